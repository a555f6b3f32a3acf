"""The conversation through the JSON API, and what it costs in queries."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from communities.models import Message, Thread
from communities.services.discussion import post_message, start_thread
from communities.services.reading import mark_read
from tests.clients import api_client_for
from tests.queries import count_queries


def send(client: Client, method: str, url: str, payload: object | None = None):
    return getattr(client, method)(url, json.dumps(payload) if payload is not None else None,
                                   content_type="application/json")


@pytest.fixture
def thread(people):
    return start_thread(actor=people.member, space=people.space, title="Parcs",
                        body="Premier").thread


def test_threads_list_pinned_first_with_my_unread_counts(api, people, thread):
    quiet = start_thread(actor=people.other_member, space=people.space, title="Calme",
                         body="x").thread
    for body in ["a", "b", "c"]:
        post_message(actor=people.other_member, thread=thread, body=body)
    facilitator = api.facilitator
    assert send(facilitator, "patch", f"/api/v1/threads/{quiet.pk}",
                {"pinned": True}).status_code == 200
    member = api.member
    mark_read(actor=people.member, thread=thread,
              up_to=thread.messages.order_by("pk")[1].pk)
    listed = member.get("/api/v1/spaces/rma/threads").json()
    assert [(t["title"], t["pinned"], t["unread"]) for t in listed] == [
        ("Calme", True, 1), ("Parcs", False, 2)]


def test_reading_a_thread_page_by_page(api, people, thread):
    for i in range(5):
        post_message(actor=people.other_member, thread=thread, body=str(i))
    member = api.member
    first = member.get(f"/api/v1/threads/{thread.pk}?limit=4").json()
    assert first["has_more"] and len(first["messages"]) == 4
    rest = member.get(f"/api/v1/threads/{thread.pk}?after={first['messages'][-1]['id']}"
                      "&limit=4").json()
    assert not rest["has_more"] and [m["body"] for m in rest["messages"]] == ["3", "4"]


def test_reply_edit_react_delete_through_the_api(api, people, thread):
    member, other = api.member, api.other_member
    first = thread.messages.get()
    reply = send(other, "post", f"/api/v1/threads/{thread.pk}/messages",
                 {"body": "Réponse", "reply_to": first.pk}).json()["message"]
    assert reply["reply_to"]["id"] == first.pk
    edited = send(member, "patch", f"/api/v1/messages/{first.pk}", {"body": "Premier !"})
    assert edited.status_code == 200 and edited.json()["edited_at"]
    refused = send(member, "patch", f"/api/v1/messages/{reply['id']}", {"body": "non"})
    assert refused.status_code == 403 and refused.json()["message"]
    reacted = send(other, "post", f"/api/v1/messages/{first.pk}/reactions", {"emoji": "🎉"})
    assert reacted.json() == {"added": True,
                              "reactions": [{"emoji": "🎉", "users": [people.other_member.pk]}]}
    deleted = member.delete(f"/api/v1/messages/{first.pk}")
    assert deleted.json()["deleted"] is True and deleted.json()["body"] == ""


def test_posting_in_a_locked_thread_gets_a_french_403(api, people, thread):
    send(api.facilitator, "patch", f"/api/v1/threads/{thread.pk}",
         {"locked": True})
    answer = send(api.member, "post", f"/api/v1/threads/{thread.pk}/messages",
                  {"body": "encore"})
    assert answer.status_code == 403 and answer.json()["code"] == "thread_locked"


def test_posting_too_fast_gets_429(api, people, thread, settings):
    settings.POST_RATE_LIMIT = 1
    member = api.member
    answer = send(member, "post", f"/api/v1/threads/{thread.pk}/messages", {"body": "vite"})
    assert answer.status_code == 429 and "trop vite" in answer.json()["message"]


def test_outsiders_cannot_touch_messages(api, people, thread):
    outsider = api.outsider
    message = thread.messages.get()
    assert send(outsider, "post", f"/api/v1/messages/{message.pk}/reactions",
                {"emoji": "👍"}).status_code == 404
    assert outsider.delete(f"/api/v1/messages/{message.pk}").status_code == 404


def test_mark_read_through_the_api(api, people, thread):
    message = thread.messages.get()
    answer = send(api.other_member, "post",
                  f"/api/v1/threads/{thread.pk}/read", {"up_to": message.pk})
    assert answer.json() == {"last_read_message": message.pk}


@pytest.mark.parametrize("size", [10, 1000])
def test_opening_a_thread_costs_the_same_queries_whatever_its_length(
        api, people, thread, size):
    Message.objects.bulk_create([
        Message(thread=thread, author=people.other_member, body=f"m{i}", html=f"<p>m{i}</p>")
        for i in range(size)
    ])
    member = api.member
    # A token's first use records it (one UPDATE); what is pinned is every later request.
    member.get("/api/v1/spaces")
    # token lookup, thread + membership, messages, reactions, attached documents (one query
    # for the page), read position
    with count_queries(exactly=7):
        answer = member.get(f"/api/v1/threads/{thread.pk}?limit=50")
    assert len(answer.json()["messages"]) == min(size + 1, 50)


def test_my_spaces_show_unread_and_a_newcomer_starts_with_none(api, people, thread):
    from communities.services.spaces import add_member

    post_message(actor=people.other_member, thread=thread, body="avant")
    add_member(actor=people.facilitator, space=people.space, user=people.outsider)
    post_message(actor=people.other_member, thread=thread, body="après")
    unread = {who: api_client_for(who).get("/api/v1/spaces").json()[0]["unread"]
              for who in (people.member, people.outsider)}
    assert unread == {people.member: 2, people.outsider: 1}
    mark_read(actor=people.member, thread=thread, up_to=thread.messages.order_by("pk").last().pk)
    assert api.member.get("/api/v1/spaces").json()[0]["unread"] == 0


def test_a_patch_with_a_forbidden_part_changes_nothing(api, people):
    thread = start_thread(actor=people.member, space=people.space, title="Avant",
                          body="x").thread
    answer = api.member.patch(
        f"/api/v1/threads/{thread.pk}", json.dumps({"title": "Après", "pinned": True}),
        content_type="application/json")
    assert answer.status_code == 403
    assert Thread.objects.get(pk=thread.pk).title == "Avant"
