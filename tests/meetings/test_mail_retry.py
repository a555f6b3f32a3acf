"""A mail server that says "later" (4xx, RFC 5321) gets the meeting and poll emails again,
later, for the refused recipients only; one that says "never" (5xx) is logged, not retried."""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from emails.outgoing import is_transient
from emails.retry import MAX_ATTEMPTS
from meetings.models import MeetingMode
from meetings.polls.mail import send_poll_mail
from meetings.services.polls import open_poll
from meetings.services.scheduling import cancel_meeting
from tests.conftest import People
from tests.meetings.conftest import in_days, schedule
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db(transaction=True)


def work() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def per_address(mailbox: Mailbox) -> Counter[str]:
    return Counter(rcpt for item in mailbox.received for rcpt in item.rcpt_tos)


@pytest.fixture
def queued(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_an_invitation_refused_for_now_is_sent_later_to_that_person_only(
        people: People, smtp_server: Mailbox, queued: None) -> None:
    schedule(people)  # the facilitator, Marc and Noémie are invited
    smtp_server.refuse(1)  # the first of the three (lowest id) gets a 451
    work()
    assert len(smtp_server.received) == 2
    [(refused_reply, refused_to)] = smtp_server.refused
    assert refused_reply.startswith("451")
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert len(retry.args_kwargs["kwargs"]["user_ids"]) == 1
    # Backed off: the worker leaves it until its time comes.
    assert retry.run_after > timezone.now() + timedelta(seconds=30)
    work()
    assert len(smtp_server.received) == 2

    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    work()
    assert per_address(smtp_server) == {people.facilitator.email: 1, people.member.email: 1,
                                        people.other_member.email: 1}
    assert refused_to[0] in per_address(smtp_server)
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_an_invitation_refused_for_good_is_logged_and_not_retried(
        people: People, smtp_server: Mailbox, queued: None,
        caplog: pytest.LogCaptureFixture) -> None:
    schedule(people)
    smtp_server.refuse(1, "550 5.1.1 Mailbox unavailable")
    work()
    assert len(smtp_server.received) == 2
    assert not DBTaskResult.objects.filter(status="READY").exists()
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert any("refused for good" in r.getMessage() for r in errors)


def test_a_retry_for_a_meeting_cancelled_meanwhile_sends_no_invitation(
        people: People, smtp_server: Mailbox, queued: None) -> None:
    meeting = schedule(people)
    smtp_server.refuse(1)
    work()
    retry = DBTaskResult.objects.get(status="READY")
    cancel_meeting(actor=people.facilitator, meeting=meeting)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    smtp_server.clear()
    work()
    subjects = [str(item.message["Subject"]) for item in smtp_server.received]
    assert len(subjects) == 3
    assert all(subject.startswith("Rencontre annulée") for subject in subjects)


def test_retries_are_bounded_and_end_in_an_error(
        people: People, smtp_server: Mailbox, settings: Any,
        caplog: pytest.LogCaptureFixture) -> None:
    # Run inline: the immediate backend cannot defer, so the attempts follow each other.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with TestCase.captureOnCommitCallbacks(execute=False):
        poll = open_poll(actor=people.facilitator, space=people.space, title="Bilan annuel",
                         mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1",
                         slots=[(in_days(7), in_days(7, 15)), (in_days(8), in_days(8, 15))],
                         notify_members=False)
    smtp_server.refuse(100)
    assert send_poll_mail.call(kind="opened", poll_id=poll.pk,
                               user_ids=[people.member.pk]) == 0
    assert len(smtp_server.refused) == MAX_ATTEMPTS
    assert smtp_server.received == []
    assert f"given up for [{people.member.pk}]" in caplog.text


def test_a_poll_announcement_refused_then_accepted_arrives_once(
        people: People, smtp_server: Mailbox, queued: None) -> None:
    with TestCase.captureOnCommitCallbacks(execute=False):
        poll = open_poll(actor=people.facilitator, space=people.space, title="Bilan annuel",
                         mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1",
                         slots=[(in_days(7), in_days(7, 15)), (in_days(8), in_days(8, 15))],
                         notify_members=False)
    send_poll_mail.enqueue(kind="opened", poll_id=poll.pk,
                           user_ids=[people.member.pk, people.other_member.pk])
    smtp_server.refuse(1)
    work()
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    work()
    assert per_address(smtp_server) == {people.member.email: 1, people.other_member.email: 1}


@pytest.mark.parametrize(("error", "later"), [
    (socket.gaierror(-3, "Temporary failure in name resolution"), True),
    (OSError(113, "No route to host"), True),
    (ssl.SSLEOFError(8, "EOF occurred in violation of protocol"), True),
    (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), True),
    (smtplib.SMTPResponseException(421, b"Service not available"), True),
    (smtplib.SMTPResponseException(535, b"Authentication failed"), False),
    (smtplib.SMTPNotSupportedError("AUTH not supported"), False),
    (ValueError("a bug"), False),
], ids=["dns", "unreachable", "tls-cut", "dropped", "421", "535", "no-auth", "bug"])
def test_a_network_outage_is_a_try_later_and_a_refusal_is_not(error: BaseException,
                                                              later: bool) -> None:
    """A mail server that cannot be reached for a moment (DNS, route, TLS) must not cost the
    reminders and invitations it owes: they are tried again; a refusal that will not mend is not."""
    assert is_transient(error) is later
