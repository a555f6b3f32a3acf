"""The day before an action is due, each assignee gets one reminder, in their language, however
many workers run; an overdue action is flagged to the facilitators once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from communities.models import Event
from decisions.models import ActionItem, ActionReminder, ActionStatus
from decisions.services import records, reminders
from decisions.services.overdue import flag_overdue_actions
from decisions.services.reminders import send_due_action_reminders
from emails import preferences
from meetings.timezones import local
from tests.conftest import People
from tests.decisions.helpers import an_action, held_meeting, in_days
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db


def due_tomorrow(people: People) -> ActionItem:
    return an_action(people, held_meeting(people), due_on=in_days(1),
                     assignee_ids=[people.member.pk, people.other_member.pk])


def test_each_assignee_is_reminded_once_the_day_before(people: People,
                                                       smtp_server: Mailbox) -> None:
    action = due_tomorrow(people)
    an_action(people, held_meeting(people), due_on=in_days(3))  # not yet
    smtp_server.clear()
    run = send_due_action_reminders()
    assert (run.claimed, run.sent) == (2, 2)
    smtp_server.wait_for(2)
    message = smtp_server.to(people.member.email)[0]
    assert "Envoyer le gabarit de politique" in message["Subject"]
    assert message["List-Unsubscribe"]
    assert send_due_action_reminders().claimed == 0  # again: nothing
    assert ActionReminder.objects.filter(action=action, sent_at__isnull=False).count() == 2


def test_the_reminder_is_in_each_reader_s_language(people: People) -> None:
    people.other_member.language = "en"
    people.other_member.save(update_fields=["language"])
    due_tomorrow(people)
    outbox.outbox.clear()
    send_due_action_reminders()
    by_reader = {m.to[0]: m for m in outbox.outbox}
    assert by_reader[people.member.email].subject.startswith("Rappel")
    assert by_reader[people.other_member.email].subject.startswith("Reminder")
    assert "due tomorrow" in by_reader[people.other_member.email].body


def test_a_done_action_and_a_muted_space_get_no_reminder(people: People) -> None:
    action = due_tomorrow(people)
    preferences.stop_space(user=people.other_member, space=people.space)
    outbox.outbox.clear()
    assert send_due_action_reminders().sent == 1
    assert [m.to[0] for m in outbox.outbox] == [people.member.email]
    other = due_tomorrow(people)
    records.change_action_status(actor=people.member, action=other, status=ActionStatus.DONE)
    outbox.outbox.clear()
    assert send_due_action_reminders().claimed == 0
    assert action.pk != other.pk


def test_a_claim_left_by_a_crashed_worker_is_sent_once_after_the_lease(
        people: People, smtp_server: Mailbox) -> None:
    action = due_tomorrow(people)
    # Noon today, local: the lease runs out well before midnight, when "tomorrow" would move.
    now = local(timezone.now()).replace(hour=12, minute=0, second=0, microsecond=0)
    claimed = reminders._claim(action.pk, due_on=action.due_on, now=now, token="crashed")
    assert len(claimed) == 2
    smtp_server.clear()
    assert send_due_action_reminders(now=now + timedelta(minutes=5)).sent == 0
    assert send_due_action_reminders(now=now + reminders.LEASE + timedelta(minutes=1)).sent == 2
    smtp_server.wait_for(2)
    assert send_due_action_reminders(now=now + 3 * reminders.LEASE).claimed == 0
    assert len(smtp_server.received) == 2


def test_the_command_runs_a_pass(people: People, capsys: pytest.CaptureFixture[str]) -> None:
    due_tomorrow(people)
    call_command("send_action_reminders")
    assert "sent=2" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_workers_send_exactly_one_per_assignee(
        uses_postgres: None, people: People, smtp_server: Mailbox,
        monkeypatch: pytest.MonkeyPatch) -> None:
    action = due_tomorrow(people)
    smtp_server.clear()
    # Both workers hold the claim step open at the same moment: each has listed the action
    # before either inserts its claims.
    both_listed = threading.Barrier(2, timeout=20)
    real_claim = reminders._claim

    def claim_together(*args, **kwargs):  # type: ignore[no-untyped-def]
        both_listed.wait()
        return real_claim(*args, **kwargs)

    monkeypatch.setattr(reminders, "_claim", claim_together)
    runs: list[reminders.ActionReminderRun] = []

    def worker() -> None:
        try:
            runs.append(send_due_action_reminders())
        finally:
            connection.close()

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for worker_thread in workers:
        worker_thread.start()
    for worker_thread in workers:
        worker_thread.join(timeout=30)
    assert len(runs) == 2
    assert sum(run.sent for run in runs) == 2
    smtp_server.wait_for(2)
    assert len(smtp_server.to(people.member.email)) == 1
    assert len(smtp_server.to(people.other_member.email)) == 1
    assert ActionReminder.objects.filter(action=action).count() == 2


def test_an_overdue_action_is_flagged_once(people: People) -> None:
    action = an_action(people, held_meeting(people), due_on=in_days(2))
    done = an_action(people, held_meeting(people), due_on=in_days(2))
    records.change_action_status(actor=people.facilitator, action=done,
                                 status=ActionStatus.DONE)
    later = timezone.now() + timedelta(days=4)
    assert flag_overdue_actions(now=timezone.now()) == 0
    assert flag_overdue_actions(now=later) == 1
    assert flag_overdue_actions(now=later) == 0
    event = Event.objects.get(kind="action.overdue")
    assert event.payload["action"]["id"] == action.pk
    assert event.payload["assignee_ids"] == [people.member.pk]
