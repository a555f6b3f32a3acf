"""The reminder to members who have not answered: sent once per poll (claimed in the
database), by a background task, over real SMTP, to those who still have not answered."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connections

from communities.errors import ServiceError
from communities.models import Membership, Role, User
from emails.models import JoinLink
from meetings.models.polls import DatePoll
from meetings.services.polls import remind_non_respondents, vote
from tests.conftest import People, make_user
from tests.meetings.polls.conftest import slot_ids
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db


def _links_to_poll(text: str, poll: DatePoll, address: str) -> bool:
    """The text carries join-back links and one of that person's lands on the poll
    (test_poll_mail_links.py follows them end to end)."""
    return "/courriel/lien/" in text and JoinLink.objects.filter(
        user__email=address, target=f"/espaces/rma/sondages/{poll.pk}/").exists()


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


# The worker needs committed rows and its own transactions, hence transaction=True (commits are
# real, so the reminder's task is queued on commit as in production).
@pytest.mark.django_db(transaction=True)
def test_the_reminder_reaches_only_those_who_have_not_answered(
        people: People, poll: DatePoll, smtp_server: Mailbox) -> None:
    _run_worker()  # the announcement of the poll
    smtp_server.clear()
    vote(actor=people.member, poll=poll, answers=dict.fromkeys(slot_ids(poll), "yes"))
    reminded = remind_non_respondents(actor=people.facilitator, poll=poll)
    assert [u.display_name for u in reminded] == ["Noémie Membre"]
    assert smtp_server.received == []  # queued, not sent in the facilitator's request

    _run_worker()

    [message] = smtp_server.wait_for(1)
    assert smtp_server.received[0].rcpt_tos == ["noemie@exemple.qc.ca"]
    assert "Rencontre du réseau" in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert _links_to_poll(text, poll, "noemie@exemple.qc.ca")
    assert "13\xa0h\xa030" in text  # slots written the Quebec way, in Toronto time
    assert "Vous ne recevrez pas d'autre rappel" in text


@pytest.mark.django_db(transaction=True)
def test_a_second_reminder_is_refused_and_sends_nothing(
        people: People, poll: DatePoll, smtp_server: Mailbox) -> None:
    _run_worker()  # the announcement of the poll
    smtp_server.clear()
    remind_non_respondents(actor=people.facilitator, poll=poll)
    with pytest.raises(ServiceError) as again:
        remind_non_respondents(actor=people.facilitator, poll=poll)
    assert again.value.code == "already_reminded"
    assert "un seul rappel est permis" in str(again.value.message)
    _run_worker()
    assert len(smtp_server.wait_for(2)) == 2  # member and other member, once each
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
        "marc@exemple.qc.ca", "noemie@exemple.qc.ca"]


def test_nobody_to_remind_is_said_and_the_reminder_is_kept(people: People,
                                                          poll: DatePoll) -> None:
    for person in (people.member, people.other_member):
        vote(actor=person, poll=poll, answers=dict.fromkeys(slot_ids(poll), "no"))
    with pytest.raises(ServiceError) as refused:
        remind_non_respondents(actor=people.facilitator, poll=poll)
    assert refused.value.code == "everyone_answered"
    poll.refresh_from_db()
    assert poll.reminded_at is None  # a newcomer can still be reminded later
    newcomer = make_user("nouvelle@exemple.qc.ca", "Nadia Nouvelle")
    Membership.objects.create(space=people.space, user=newcomer, role=Role.MEMBER)
    assert remind_non_respondents(actor=people.facilitator, poll=poll) == [newcomer]


def test_members_cannot_send_the_reminder(people: People, poll: DatePoll) -> None:
    with pytest.raises(ServiceError):
        remind_non_respondents(actor=people.member, poll=poll)
    poll.refresh_from_db()
    assert poll.reminded_at is None


@pytest.mark.django_db(transaction=True)
def test_two_facilitators_clicking_at_once_send_one_reminder(people: People, poll: DatePoll,
                                                             uses_postgres: None) -> None:
    second = make_user("fabien@exemple.qc.ca", "Fabien Animateur")
    Membership.objects.create(space=people.space, user=second, role=Role.FACILITATOR)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def click(actor) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            remind_non_respondents(actor=actor, poll=poll)
            outcomes.append("sent")
        except ServiceError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click, args=(actor,))
               for actor in (people.facilitator, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already_reminded", "sent"]
    from django_tasks_db.models import DBTaskResult
    queued = [r.args_kwargs["kwargs"]["kind"] for r in DBTaskResult.objects.all()]
    assert sorted(queued) == ["opened", "reminder"]


@pytest.mark.django_db(transaction=True)
def test_picking_a_slot_invites_everyone_who_answered_and_no_one_else(
        people: People, poll: DatePoll, smtp_server: Mailbox) -> None:
    from meetings.services.polls import pick_slot

    _run_worker()  # the announcement of the poll
    smtp_server.clear()
    first, second, third = slot_ids(poll)
    # A "no" still gets the invitation: they answered, and may want the calendar entry.
    vote(actor=people.member, poll=poll, answers={first: "no", second: "no", third: "no"})
    meeting = pick_slot(actor=people.facilitator, poll=poll, slot_id=second)
    _run_worker()  # meeting emails go through the task queue too
    [message] = smtp_server.wait_for(1)
    assert [r.rcpt_tos for r in smtp_server.received] == [["marc@exemple.qc.ca"]]
    assert "Rencontre du réseau" in message["Subject"]
    calendars = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    assert calendars and "METHOD:REQUEST" in calendars[0].get_content()
    assert str(meeting.uid) in calendars[0].get_content()


@pytest.mark.django_db(transaction=True)
def test_opening_a_poll_tells_every_member_by_email(
        people: People, smtp_server: Mailbox, three_slots) -> None:  # type: ignore[no-untyped-def]
    from meetings.models import MeetingMode
    from meetings.services.polls import open_poll

    User.objects.filter(pk=people.other_member.pk).update(language="en")
    poll = open_poll(actor=people.facilitator, space=people.space, title="Bilan annuel",
                     mode=MeetingMode.IN_PERSON, address="Hôtel de ville de Laval",
                     slots=three_slots)
    assert smtp_server.received == []
    _run_worker()
    smtp_server.wait_for(2)
    by_address = {r.rcpt_tos[0]: r.message for r in smtp_server.received}
    assert set(by_address) == {"marc@exemple.qc.ca", "noemie@exemple.qc.ca"}  # not the sender
    french = by_address["marc@exemple.qc.ca"]
    assert french["Subject"].strip() == "Quelles dates vous conviennent pour « Bilan annuel » ?"
    text = french.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert _links_to_poll(text, poll, "marc@exemple.qc.ca") and "13\xa0h\xa030" in text
    english = by_address["noemie@exemple.qc.ca"]
    assert english["Subject"].strip() == "Which dates suit you for “Bilan annuel”?"
    assert "1:30 PM" in english.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]


@pytest.mark.django_db(transaction=True)
def test_a_poll_opened_quietly_emails_nobody(people: People, smtp_server: Mailbox,
                                             three_slots) -> None:  # type: ignore[no-untyped-def]
    from meetings.models import MeetingMode
    from meetings.services.polls import open_poll

    open_poll(actor=people.facilitator, space=people.space, title="Comité", slots=three_slots,
              mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1", notify_members=False)
    _run_worker()
    assert smtp_server.received == []
