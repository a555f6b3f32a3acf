"""Each member's digest for a period leaves once: with two workers on the same batch at the
same moment (PostgreSQL), on a re-run, through the task queue and its worker, and after a
worker dies half way through a batch."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from communities.models import Membership, User
from emails.digest import periods, sending
from emails.models import DigestDelivery
from tests.conftest import People, make_user
from tests.emails.helpers import send_weekly, week_of_activity
from tests.smtp import Mailbox


def _many_members(people: People, count: int) -> list[int]:
    joined = timezone.now() - timedelta(days=30)
    ids = []
    for n in range(count):
        user = make_user(f"personne{n}@exemple.qc.ca", f"Personne {n}")
        Membership.objects.create(space=people.space, user=user, joined_at=joined)
        ids.append(user.pk)
    return ids


def _recipients(mailbox: Mailbox) -> Counter[str]:
    return Counter(rcpt for item in mailbox.received for rcpt in item.rcpt_tos)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_the_same_batch_send_each_digest_once(
        people: People, smtp_server: Mailbox, uses_postgres: None) -> None:
    ids = _many_members(people, 40)
    week_of_activity(people)
    period = periods.period_key("weekly", timezone.now())
    start = threading.Barrier(2)
    results: list[sending.BatchResult] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            results.append(sending.send_batch(frequency="weekly", period=period, user_ids=ids))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    smtp_server.wait_for(40)
    counts = _recipients(smtp_server)
    assert set(counts.values()) == {1}
    assert len(counts) == 40
    assert sorted(results[0].sent + results[1].sent) == sorted(ids)
    assert DigestDelivery.objects.filter(state="sent").count() == 40


@pytest.mark.django_db
def test_running_again_in_the_same_period_sends_nothing_more(people: People,
                                                              smtp_server: Mailbox) -> None:
    week_of_activity(people)
    first = send_weekly([people.member.pk])
    second = send_weekly([people.member.pk])

    assert first.sent == [people.member.pk]
    assert second.sent == [] and second.skipped == [people.member.pk]
    assert len(smtp_server.wait_for(1)) == 1


@pytest.mark.django_db
def test_a_crash_mid_batch_is_finished_by_the_next_run_without_repeats(
        people: People, smtp_server: Mailbox) -> None:
    ids = _many_members(people, 10)
    week_of_activity(people)
    period = periods.period_key("weekly", timezone.now())
    sent_before_crash: list[str] = []

    def dies_after_four(message: Any, opened: Any) -> None:
        if len(sent_before_crash) == 4:
            raise SystemExit("worker killed")
        message.connection = opened
        message.send()
        sent_before_crash.append(message.to[0])

    with pytest.raises(SystemExit):
        sending.send_batch(frequency="weekly", period=period, user_ids=ids,
                           send=dies_after_four)
    assert DigestDelivery.objects.filter(state="sent").count() == 4
    assert DigestDelivery.objects.filter(state="claimed").count() == 6

    # Before the lease runs out, another worker leaves the dead one's rows alone...
    early = sending.send_batch(frequency="weekly", period=period, user_ids=ids)
    assert early.sent == []
    # ...and after it, takes them over and finishes the batch.
    later = timezone.now() + sending.LEASE + timedelta(seconds=1)
    finished = sending.send_batch(frequency="weekly", period=period, user_ids=ids, now=later)

    assert len(finished.sent) == 6
    smtp_server.wait_for(10)
    counts = _recipients(smtp_server)
    assert len(counts) == 10 and set(counts.values()) == {1}
    assert set(DigestDelivery.objects.values_list("state", flat=True)) == {"sent"}
    assert DigestDelivery.objects.filter(attempts=2).count() == 6


@pytest.mark.django_db(transaction=True)
def test_send_digests_enqueues_tasks_that_the_worker_runs_once(
        people: People, smtp_server: Mailbox, settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    week_of_activity(people)

    call_command("send_digests", "--frequency", "weekly", "--batch-size", "2", verbosity=0)
    assert DBTaskResult.objects.filter(status="READY").count() == 2  # 4 people, batches of 2
    assert smtp_server.received == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    # The timer fires again the same week: nothing more goes out.
    call_command("send_digests", "--frequency", "weekly", verbosity=0)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    members_with_news = {people.member.email, people.other_member.email,
                         people.facilitator.email}
    smtp_server.wait_for(len(members_with_news))
    counts = _recipients(smtp_server)
    assert set(counts) == members_with_news
    assert set(counts.values()) == {1}
    assert not User.objects.filter(pk=people.staff.pk, memberships__isnull=False).exists()
