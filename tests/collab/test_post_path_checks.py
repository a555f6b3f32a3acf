"""The post path reads less (no thread author, no ORDER BY on unique lookups, no query for
mentions nobody made); every check it makes still refuses what it refused before."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from communities.lookups import unique_row
from communities.models import ApiToken, Event, Membership, Message, Thread, User
from communities.services.discussion import start_thread
from tests.clients import token_for
from tests.conftest import People

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(people: People) -> Thread:
    # Started by the facilitator, so a post by someone else shows whose name it carries.
    return start_thread(actor=people.facilitator, space=people.space, title="Bancs",
                        body="Qui a un guide ?").thread


def _post(client: Client, thread: Thread, **payload: Any) -> Any:
    return client.post(f"/api/v1/threads/{thread.pk}/messages",
                       json.dumps({"body": "Bonjour", **payload}),
                       content_type="application/json")


def _bearer(token: str) -> Client:
    return Client(headers={"authorization": f"Bearer {token}"})


def test_a_post_names_its_author_not_the_thread_s(people: People, thread: Thread) -> None:
    answer = _post(_bearer(token_for(people.member)), thread)
    assert answer.status_code == 201
    assert answer.json()["message"]["author"]["display_name"] == "Marc Membre"


def test_an_expired_token_posts_nothing(people: People, thread: Thread) -> None:
    token = token_for(people.member)
    ApiToken.objects.filter(user=people.member).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    answer = _post(_bearer(token), thread)
    assert answer.status_code == 401
    assert answer.json()["code"] == "unauthenticated"
    assert thread.messages.count() == 1


def test_a_closed_account_s_token_posts_nothing(people: People, thread: Thread) -> None:
    token = token_for(people.member)
    User.objects.filter(pk=people.member.pk).update(is_active=False)
    assert _post(_bearer(token), thread).status_code == 401
    assert thread.messages.count() == 1


def test_someone_who_left_the_space_posts_nothing(people: People, thread: Thread) -> None:
    token = token_for(people.member)
    Membership.objects.filter(user=people.member, space=people.space).delete()
    answer = _post(_bearer(token), thread)
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
    assert thread.messages.count() == 1


def test_platform_staff_post_without_a_membership(people: People, thread: Thread) -> None:
    assert not Membership.objects.filter(user=people.staff).exists()
    assert _post(_bearer(token_for(people.staff)), thread).status_code == 201


def test_a_reply_to_a_message_of_another_thread_is_refused(people: People,
                                                           thread: Thread) -> None:
    elsewhere = start_thread(actor=people.member, space=people.space, title="Autre",
                             body="Ailleurs").thread.messages.get()
    answer = _post(_bearer(token_for(people.member)), thread, reply_to=elsewhere.pk)
    assert answer.status_code == 404
    assert answer.json()["code"] == "reply_to_unknown"
    assert thread.messages.count() == 1


def test_the_rate_limit_still_holds(people: People, thread: Thread, settings: Any) -> None:
    settings.POST_RATE_LIMIT = 2
    client = _bearer(token_for(people.member))
    assert [_post(client, thread).status_code for _ in range(3)] == [201, 201, 429]
    assert thread.messages.count() == 3


def test_a_mention_still_reaches_the_person_named(people: People, thread: Thread) -> None:
    noemie = people.other_member
    answer = _post(_bearer(token_for(people.member)), thread,
                   body=f"Merci @**Noémie Membre|{noemie.pk}**")
    assert answer.status_code == 201
    mention = Event.objects.get(kind="mention.created")
    assert mention.owner_id == noemie.pk
    assert mention.payload["message"] == answer.json()["message"]["id"]


def test_unique_row_is_the_row_or_none(people: People, thread: Thread) -> None:
    first = thread.messages.get()
    assert unique_row(Message.objects.filter(pk=first.pk)) == first
    assert unique_row(Message.objects.filter(pk=first.pk + 1000)) is None
