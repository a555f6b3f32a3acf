"""Reminders go to those who said oui or peut-être, once per (meeting, member, start time),
whatever the number of workers; never for a cancelled meeting or a moved meeting's old time."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from communities.errors import ServiceError
from meetings.models import Answer, Meeting, ReminderDelivery
from meetings.services import reminders
from meetings.services.reminders import send_due_reminders, set_reminder_hours
from meetings.services.rsvp import answer_meeting
from meetings.services.scheduling import cancel_meeting, update_meeting
from tests.conftest import People
from tests.meetings.conftest import schedule
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db


def due_meeting(people: People, *, hours_ahead: float = 10, **overrides: object) -> Meeting:
    """A meeting scheduled three days ago that starts in ``hours_ahead`` hours, answered oui
    by the member and peut-être by the other member."""
    meeting = schedule(people, **overrides)
    answer_meeting(actor=people.member, meeting=meeting, answer=Answer.YES)
    answer_meeting(actor=people.other_member, meeting=meeting, answer=Answer.MAYBE)
    start = timezone.now() + timedelta(hours=hours_ahead)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=2),
        created_at=timezone.now() - timedelta(days=3))
    meeting.refresh_from_db()
    return meeting


def reminded() -> list[str]:
    return sorted(m.to[0] for m in outbox.outbox)


def test_yes_and_maybe_are_reminded_once(people: People) -> None:
    meeting = due_meeting(people)
    answer_meeting(actor=people.facilitator, meeting=meeting, answer=Answer.NO)
    run = send_due_reminders()
    assert (run.claimed, run.sent) == (2, 2)
    assert reminded() == sorted([people.member.email, people.other_member.email])
    assert outbox.outbox[0].subject.startswith("Rappel : ")
    assert send_due_reminders().sent == 0  # the next run finds them claimed
    assert len(outbox.outbox) == 2
    assert ReminderDelivery.objects.filter(sent_at__isnull=False).count() == 2


def test_not_before_the_space_s_reminder_time(people: People) -> None:
    due_meeting(people, hours_ahead=30)
    assert send_due_reminders().sent == 0
    set_reminder_hours(actor=people.facilitator, space=people.space, hours=48)
    assert send_due_reminders().sent == 2


def test_reminders_can_be_turned_off_per_space(people: People) -> None:
    set_reminder_hours(actor=people.facilitator, space=people.space, hours=0)
    due_meeting(people)
    assert send_due_reminders().sent == 0
    with pytest.raises(ServiceError) as caught:
        set_reminder_hours(actor=people.facilitator, space=people.space, hours=24 * 15)
    assert caught.value.code == "invalid_reminder"


def test_never_for_a_cancelled_meeting(people: People) -> None:
    meeting = due_meeting(people)
    cancel_meeting(actor=people.facilitator, meeting=meeting)
    assert send_due_reminders().claimed == 0
    assert outbox.outbox == []


def test_a_meeting_scheduled_inside_the_window_gets_none(people: People) -> None:
    meeting = due_meeting(people)
    Meeting.objects.filter(pk=meeting.pk).update(created_at=timezone.now())
    assert send_due_reminders().claimed == 0


def test_the_waiting_list_is_not_reminded(people: People) -> None:
    meeting = schedule(people, capacity=1)
    answer_meeting(actor=people.member, meeting=meeting, answer=Answer.YES)
    answer_meeting(actor=people.other_member, meeting=meeting, answer=Answer.YES)  # waits
    start = timezone.now() + timedelta(hours=5)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=start, ends_at=start + timedelta(hours=1),
        created_at=timezone.now() - timedelta(days=3))
    send_due_reminders()
    assert reminded() == [people.member.email]


def test_a_moved_meeting_is_reminded_for_its_new_time(people: People) -> None:
    meeting = due_meeting(people)
    send_due_reminders()
    outbox.outbox.clear()
    update_meeting(actor=people.facilitator, meeting=meeting,
                   starts_at=meeting.starts_at + timedelta(hours=3),
                   ends_at=meeting.ends_at + timedelta(hours=3))
    outbox.outbox.clear()  # the update email itself
    assert send_due_reminders().sent == 2
    assert ReminderDelivery.objects.filter(meeting=meeting).count() == 4


def test_a_move_between_claim_and_send_sends_nothing_for_the_stale_time(
        people: People, monkeypatch: pytest.MonkeyPatch) -> None:
    due_meeting(people)
    real_claim = reminders._claim

    def claim_then_moved(m: Meeting, **kwargs):  # type: ignore[no-untyped-def]
        result = real_claim(m, **kwargs)
        Meeting.objects.filter(pk=m.pk).update(starts_at=m.starts_at + timedelta(days=2),
                                               ends_at=m.ends_at + timedelta(days=2))
        return result

    monkeypatch.setattr(reminders, "_claim", claim_then_moved)
    run = send_due_reminders()
    assert (run.claimed, run.sent, run.skipped_stale) == (2, 0, 2)
    assert outbox.outbox == []


def test_the_command_runs_a_pass(people: People, capsys: pytest.CaptureFixture[str]) -> None:
    due_meeting(people)
    call_command("send_meeting_reminders")
    assert "sent=2" in capsys.readouterr().out
    assert len(outbox.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_workers_send_each_reminder_once(uses_postgres: None, people: People,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    meeting = due_meeting(people)
    outbox.outbox.clear()  # committed for real here, so the invitations went out
    # Both workers have listed the due meeting before either claims anything.
    both_listed = threading.Barrier(2, timeout=20)
    real_due = reminders._due_meetings

    def due_then_wait(now):  # type: ignore[no-untyped-def]
        found = real_due(now)
        both_listed.wait()
        return found

    monkeypatch.setattr(reminders, "_due_meetings", due_then_wait)
    runs: list[reminders.ReminderRun] = []

    def worker() -> None:
        try:
            runs.append(send_due_reminders())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(run.sent for run in runs) == 2
    assert reminded() == sorted([people.member.email, people.other_member.email])
    assert ReminderDelivery.objects.filter(meeting=meeting).count() == 2


def test_a_claim_left_by_a_crashed_worker_is_sent_once_after_the_lease(
        people: People, smtp_server: Mailbox) -> None:
    meeting = due_meeting(people)
    now = timezone.now()
    # The worker claimed (and committed) the reminders, then died before sending any.
    _start, claimed = reminders._claim(meeting, now=now, token="crashed-worker")
    assert len(claimed) == 2

    # Within the lease the claim is still the dead worker's: nobody else sends.
    assert send_due_reminders(now=now + timedelta(minutes=5)).sent == 0
    run = send_due_reminders(now=now + reminders.LEASE + timedelta(minutes=1))
    assert (run.claimed, run.sent) == (2, 2)
    smtp_server.wait_for(2)
    assert len(smtp_server.to(people.member.email)) == 1
    assert len(smtp_server.to(people.other_member.email)) == 1

    # Sent is final, however much later the job runs again.
    assert send_due_reminders(now=now + 3 * reminders.LEASE).claimed == 0
    assert len(smtp_server.received) == 2
    assert list(ReminderDelivery.objects.filter(meeting=meeting).values_list(
        "attempts", flat=True)) == [2, 2]


def test_a_crashed_claim_is_never_sent_for_a_time_the_meeting_no_longer_has(
        people: People, smtp_server: Mailbox) -> None:
    meeting = due_meeting(people)
    now = timezone.now()
    reminders._claim(meeting, now=now, token="crashed-worker")
    cancel_meeting(actor=people.facilitator, meeting=meeting)
    smtp_server.clear()  # the cancellation itself
    assert send_due_reminders(now=now + reminders.LEASE + timedelta(minutes=1)).claimed == 0
    assert smtp_server.received == []


def test_a_reminder_refused_for_now_is_sent_on_a_later_pass(people: People,
                                                          smtp_server: Mailbox) -> None:
    meeting = due_meeting(people)
    smtp_server.refuse(1)  # the first reminder (Marc's, lowest id) gets a 451
    now = timezone.now()
    assert send_due_reminders(now=now).sent == 1
    assert send_due_reminders(now=now + timedelta(minutes=5)).sent == 0  # lease still held
    assert send_due_reminders(now=now + reminders.LEASE + timedelta(minutes=1)).sent == 1
    smtp_server.wait_for(2)
    assert len(smtp_server.to(people.member.email)) == 1
    assert len(smtp_server.to(people.other_member.email)) == 1
    assert not ReminderDelivery.objects.filter(meeting=meeting, sent_at__isnull=True).exists()


def test_a_reminder_refused_for_good_is_given_up_and_logged(
        people: People, smtp_server: Mailbox, caplog: pytest.LogCaptureFixture) -> None:
    meeting = due_meeting(people)
    smtp_server.refuse(1, "550 5.1.1 Mailbox unavailable")
    now = timezone.now()
    assert send_due_reminders(now=now).sent == 1
    assert f"given up for [{people.member.pk}]" in caplog.text
    failed = ReminderDelivery.objects.get(meeting=meeting, user=people.member)
    assert failed.failed_at is not None and failed.sent_at is None
    assert send_due_reminders(now=now + 2 * reminders.LEASE).claimed == 0
    assert len(smtp_server.received) == 1
