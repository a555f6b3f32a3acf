"""The leaner post keeps its promises: one light query answers both "is this a retry?" and
"is the author over the limit?", the message row carries the seq of the event that announced
it from its INSERT, and a seq taken for a stream must be the one its event uses."""

from __future__ import annotations

import pytest
from django.db import transaction

from communities.errors import Conflict, ServiceError
from communities.events import emit, take_space_seq
from communities.models import Event, Thread
from communities.serializers import person
from communities.services.discussion import post_message, start_thread
from tests.conftest import People

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(people: People) -> Thread:
    return start_thread(actor=people.member, space=people.space, title="Bancs",
                        body="Qui a un guide ?").thread


def test_a_retry_over_the_limit_still_answers_with_the_original(people: People, thread: Thread,
                                                                settings) -> None:
    settings.POST_RATE_LIMIT = 2  # the thread's first message counts
    original = post_message(actor=people.member, thread=thread, body="Un", client_id="c-1")
    retried = post_message(actor=people.member, thread=thread, body="Un", client_id="c-1")
    assert (retried.created, retried.message.pk, retried.seq) == (
        False, original.message.pk, original.seq)
    with pytest.raises(ServiceError) as refused:
        post_message(actor=people.member, thread=thread, body="Deux", client_id="c-2")
    assert refused.value.status == 429


def test_a_client_id_from_another_thread_is_refused_under_the_limit(people: People,
                                                                    thread: Thread,
                                                                    settings) -> None:
    settings.POST_RATE_LIMIT = 30
    post_message(actor=people.member, thread=thread, body="Un", client_id="c-1")
    other = start_thread(actor=people.member, space=people.space, title="Parcs",
                         body="Et les parcs ?").thread
    with pytest.raises(Conflict):
        post_message(actor=people.member, thread=other, body="Un", client_id="c-1")


def test_the_message_row_carries_its_event_seq_and_the_thread_its_count(
        people: People, thread: Thread) -> None:
    posted = post_message(actor=people.member, thread=thread, body="Suite")
    event = Event.objects.get(space=people.space, seq=posted.seq)
    posted.message.refresh_from_db()
    thread.refresh_from_db()
    assert posted.message.created_seq == posted.seq
    assert event.payload["message"]["id"] == posted.message.pk
    assert event.payload["thread"]["message_count"] == thread.message_count == 2


def test_an_event_must_use_the_seq_just_taken_for_its_space(people: People) -> None:
    data = {"member": person(people.member)}
    with transaction.atomic():
        taken = take_space_seq(people.space)
        with pytest.raises(ValueError, match="not just taken"):
            emit(kind="member.left", actor=None, space=people.space, data=data, seq=taken - 1)
        emit(kind="member.left", actor=None, space=people.space, data=data, seq=taken)
    assert Event.objects.filter(space=people.space, seq=taken, kind="member.left").exists()
