"""Behaviours a review found missing: each was a 500, a silent loss or a leak."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from communities.errors import Conflict
from communities.models import Invitation, Space, Thread
from communities.services.discussion import post_message, start_thread
from communities.services.spaces import accept_invitation, invite_member, remove_member
from tests.clients import token_for


def api_for(user) -> Client:
    return Client(headers={"authorization": f"Bearer {token_for(user)}"})


def test_a_client_id_reused_for_another_thread_is_refused_not_answered(people):
    first = start_thread(actor=people.member, space=people.space, title="A", body="a").thread
    second = start_thread(actor=people.member, space=people.space, title="B", body="b").thread
    post_message(actor=people.member, thread=first, body="un", client_id="c-9")
    with pytest.raises(Conflict):
        post_message(actor=people.member, thread=second, body="nouveau", client_id="c-9")
    answer = api_for(people.member).post(
        f"/api/v1/threads/{second.pk}/messages",
        json.dumps({"body": "nouveau", "client_id": "c-9"}), content_type="application/json")
    assert answer.status_code == 409 and "client_id" in answer.json()["message"]


def test_a_removed_member_cannot_read_old_content_through_a_client_id(people):
    other = Space.objects.create(slug="mae", name="MAE")
    from communities.models import Membership

    Membership.objects.create(space=other, user=people.member)
    start_thread(actor=people.member, space=people.space, title="Secret", body="x",
                 client_id="t-1")
    remove_member(actor=people.facilitator, space=people.space, member=people.member)
    with pytest.raises(Conflict):
        start_thread(actor=people.member, space=other, title="Autre", body="y",
                     client_id="t-1")


def test_a_search_page_past_the_end_is_empty_not_an_error(people):
    client = Client()
    client.force_login(people.member)
    answer = client.get(reverse("search") + "?q=parc&page=99999999999999999999")
    assert answer.status_code in {200, 400}
    api = api_for(people.member).get("/api/v1/search?q=parc&page=99999999999999999")
    assert api.status_code == 200 and api.json()["results"] == []


def test_unicode_digits_in_a_thread_address_are_ignored_not_a_500(people):
    thread = start_thread(actor=people.member, space=people.space, title="T", body="x").thread
    client = Client()
    client.force_login(people.member)
    for param in ["message", "avant", "apres"]:
        answer = client.get(reverse("thread", args=["rma", thread.pk]) + f"?{param}=²")
        assert answer.status_code == 200


def test_the_event_log_api_says_when_history_was_pruned(people):
    start_thread(actor=people.member, space=people.space, title="T", body="x")
    Space.objects.filter(pk=people.space.pk).update(event_floor=1)
    answer = api_for(people.member).get("/api/v1/spaces/rma/events?after=0")
    assert answer.status_code == 410 and answer.json()["code"] == "pruned"


def test_a_removed_member_cannot_come_back_through_an_earlier_invitation(people):
    first = invite_member(actor=people.facilitator, space=people.space,
                          email="olivier@exemple.qc.ca")
    second = invite_member(actor=people.facilitator, space=people.space,
                           email="olivier@exemple.qc.ca")  # sent twice, as happens
    accept_invitation(raw_token=first.token, user=people.outsider)
    remove_member(actor=people.facilitator, space=people.space, member=people.outsider)
    assert not Invitation.objects.get(pk=second.invitation.pk).is_usable


def test_a_patch_with_a_forbidden_part_changes_nothing(people):
    thread = start_thread(actor=people.member, space=people.space, title="Avant",
                          body="x").thread
    answer = api_for(people.member).patch(
        f"/api/v1/threads/{thread.pk}", json.dumps({"title": "Après", "pinned": True}),
        content_type="application/json")
    assert answer.status_code == 403
    assert Thread.objects.get(pk=thread.pk).title == "Avant"
