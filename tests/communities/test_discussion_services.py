"""Starting a thread and posting in it: who may, what everyone is told, and what a retry
with the same client id gets."""

from __future__ import annotations

import json

import pytest

from communities.errors import Conflict, Forbidden, ServiceError
from communities.models import Event, Membership, Message, Space
from communities.services.discussion import MAX_BODY_CHARS, post_message, start_thread
from communities.services.spaces import remove_member
from tests.events_helper import verify_action


def test_a_member_starts_a_thread_and_everyone_is_told(people):
    posted, events = verify_action(
        lambda: start_thread(actor=people.member, space=people.space, title="Bancs publics",
                             body="Qui a un **guide** ?"),
        kinds=["thread.created"],
    )
    assert events[0].seq == posted.seq == people.space.event_head
    assert events[0].payload["message"]["html"] == "<p>Qui a un <strong>guide</strong> ?</p>"
    assert events[0].payload["thread"]["title"] == "Bancs publics"


def test_a_reply_carries_the_same_message_object_as_the_api(people):
    thread = start_thread(actor=people.member, space=people.space, title="T", body="a").thread
    posted, events = verify_action(
        lambda: post_message(actor=people.facilitator, thread=thread, body="b"),
        kinds=["message.created"],
    )
    message = events[0].payload["message"]
    assert message["id"] == posted.message.pk
    assert message["author"]["display_name"] == "Florence Animatrice"
    assert "email" not in message["author"]
    assert events[0].payload["thread"]["message_count"] == 2


def test_an_outsider_cannot_post_and_nothing_is_written(people):
    with pytest.raises(Forbidden):
        start_thread(actor=people.outsider, space=people.space, title="T", body="x")
    assert Event.objects.count() == 0


def test_a_too_long_message_is_refused_with_a_french_reason(people):
    thread = start_thread(actor=people.member, space=people.space, title="T", body="a").thread
    with pytest.raises(ServiceError) as refusal:
        post_message(actor=people.member, thread=thread, body="x" * (MAX_BODY_CHARS + 1))
    assert "dépasse" in str(refusal.value)
    assert Message.objects.count() == 1


def test_retrying_with_the_same_client_id_returns_the_original(people):
    thread = start_thread(actor=people.member, space=people.space, title="T", body="a").thread
    first = post_message(actor=people.member, thread=thread, body="b", client_id="c-1")
    again = post_message(actor=people.member, thread=thread, body="b", client_id="c-1")
    assert (first.created, again.created) == (True, False)
    assert again.message.pk == first.message.pk and again.seq == first.seq
    assert Message.objects.filter(client_id="c-1").count() == 1
    assert Event.objects.filter(kind="message.created").count() == 1


def test_a_client_id_reused_for_another_thread_is_refused_not_answered(api, people):
    first = start_thread(actor=people.member, space=people.space, title="A", body="a").thread
    second = start_thread(actor=people.member, space=people.space, title="B", body="b").thread
    post_message(actor=people.member, thread=first, body="un", client_id="c-9")
    with pytest.raises(Conflict):
        post_message(actor=people.member, thread=second, body="nouveau", client_id="c-9")
    answer = api.member.post(
        f"/api/v1/threads/{second.pk}/messages",
        json.dumps({"body": "nouveau", "client_id": "c-9"}), content_type="application/json")
    assert answer.status_code == 409 and "client_id" in answer.json()["message"]


def test_a_removed_member_cannot_read_old_content_through_a_client_id(people):
    other = Space.objects.create(slug="mae", name="MAE")
    Membership.objects.create(space=other, user=people.member)
    start_thread(actor=people.member, space=people.space, title="Secret", body="x",
                 client_id="t-1")
    remove_member(actor=people.facilitator, space=people.space, member=people.member)
    with pytest.raises(Conflict):
        start_thread(actor=people.member, space=other, title="Autre", body="y",
                     client_id="t-1")
