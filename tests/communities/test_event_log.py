"""The event log: gapless per-stream sequence, after-commit publishing, schemas."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from communities.errors import Forbidden
from communities.events import EVENT_SCHEMAS, PERSONAL_STREAM_KINDS, emit
from communities.models import Event, Space, Thread
from communities.serializers import person
from communities.services.discussion import post_message, start_thread
from communities.services.moderation import lock_thread
from tests.events_helper import capture_events
from tests.queries import count_queries


@pytest.mark.postgres
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_posts_and_a_moderator_locking_the_thread_never_deadlock(people, uses_postgres):
    """A post takes the thread's row lock, then the space's (one statement); locking the
    thread takes them in the same order: interleaved, nothing deadlocks, the refused posts
    take no seq and the log stays gapless."""
    thread = start_thread(actor=people.member, space=people.space, title="T", body="0").thread
    rounds = 15
    barrier = threading.Barrier(5)
    failures: list[BaseException] = []
    posted, refused = [], []

    def post() -> None:
        try:
            barrier.wait()
            for i in range(rounds):
                try:
                    post_message(actor=people.member, thread=thread, body=f"{i}")
                    posted.append(i)
                except Forbidden as error:
                    assert error.code == "thread_locked"
                    refused.append(i)
        except BaseException as error:  # surfaced below
            failures.append(error)
        finally:
            connection.close()

    def toggle() -> None:
        try:
            barrier.wait()
            mine = Thread.objects.get(pk=thread.pk)
            for i in range(rounds * 2):
                lock_thread(actor=people.facilitator, thread=mine, locked=i % 2 == 0)
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=post) for _ in range(4)] + [threading.Thread(target=toggle)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=60)
    assert not failures
    assert len(posted) + len(refused) == 4 * rounds
    total = 1 + len(posted) + rounds * 2
    seqs = list(Event.objects.filter(space=people.space).order_by("seq")
                .values_list("seq", flat=True))
    assert seqs == list(range(1, total + 1))
    assert Thread.objects.get(pk=thread.pk).message_count == 1 + len(posted)


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_writers_get_one_to_n_without_hole_or_duplicate(people,
                                                                           uses_postgres):
    thread = start_thread(actor=people.member, space=people.space, title="T", body="0").thread
    writers, posts_each = 20, 5
    barrier = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write() -> None:
        try:
            barrier.wait()
            for i in range(posts_each):
                post_message(actor=people.member, thread=thread, body=f"{i}")
        except BaseException as error:  # surfaced below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not failures
    seqs = list(Event.objects.filter(space=people.space).order_by("seq")
                .values_list("seq", flat=True))
    total = 1 + writers * posts_each
    assert seqs == list(range(1, total + 1))
    assert Space.objects.get(pk=people.space.pk).event_head == total


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_gives_its_seq_back_and_publishes_nothing(people):
    with capture_events() as published:
        with pytest.raises(RuntimeError), transaction.atomic():
            emit(kind="member.left", actor=people.member, space=people.space,
                 data={"member": person(people.member)})
            raise RuntimeError("the change failed after the event was written")
        start_thread(actor=people.member, space=people.space, title="T", body="x")
    assert [e.seq for e in published] == [1]
    assert list(Event.objects.values_list("seq", flat=True)) == [1]


def test_events_are_published_only_after_commit(people):
    with capture_events() as published, transaction.atomic():
        start_thread(actor=people.member, space=people.space, title="T", body="x")
        assert published == []
    assert [e.kind for e in published] == ["thread.created"]


def test_each_space_and_each_person_has_its_own_sequence(people):
    other = Space.objects.create(slug="mae", name="MAE")
    from communities.models import Membership

    Membership.objects.create(space=other, user=people.member)
    start_thread(actor=people.member, space=people.space, title="a", body="a")
    start_thread(actor=people.member, space=other, title="b", body="b")
    with transaction.atomic():
        emit(kind="membership.ended", actor=people.member, owner=people.member,
             data={"space": "mae", "reason": "left"})
    streams = {(slug or f"@{owner}", seq)
               for seq, slug, owner in Event.objects.values_list("seq", "space__slug", "owner")}
    assert streams == {("rma", 1), ("mae", 1), (f"@{people.member.pk}", 1)}


@pytest.mark.parametrize("kind", sorted(EVENT_SCHEMAS))
def test_an_event_missing_a_required_key_is_refused(people, kind):
    on_space = kind not in PERSONAL_STREAM_KINDS
    target = {"space": people.space} if on_space else {"owner": people.member}
    with pytest.raises(ValueError, match="missing"), transaction.atomic():
        emit(kind=kind, actor=people.member, data={}, **target)  # type: ignore[arg-type]


def test_an_unknown_kind_is_refused(people):
    with pytest.raises(ValueError, match="unknown"), transaction.atomic():
        emit(kind="message.teleported", actor=None, space=people.space, data={})


@pytest.mark.django_db(transaction=True)
def test_an_event_written_outside_a_transaction_is_refused(people):
    with pytest.raises(RuntimeError, match="transaction"):
        emit(kind="member.left", actor=None, space=people.space,
             data={"member": person(people.member)})


def test_posting_a_message_costs_a_constant_number_of_queries(people):
    thread = start_thread(actor=people.member, space=people.space, title="T", body="0").thread
    for text in ["court", "**plus long** " * 200]:
        with count_queries(at_most=11):
            post_message(actor=people.member, thread=thread, body=text, client_id=text[:20])
