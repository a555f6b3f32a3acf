"""Meeting emails: one per person, in their language, text + HTML + the iTIP calendar part
that makes mail clients offer "add to calendar"; one end to end over real SMTP."""

from __future__ import annotations

import email
from email.policy import default as default_policy
from typing import Any

import pytest
import vobject
from django.core import mail as outbox
from django.test import TestCase

from communities.models import Language
from emails.models import JoinLink
from meetings.models import Meeting
from meetings.services.scheduling import cancel_meeting
from tests.conftest import People
from tests.meetings.conftest import schedule
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db


def parsed(message: Any) -> email.message.EmailMessage:
    result = email.message_from_bytes(message.message().as_bytes(), policy=default_policy)
    assert isinstance(result, email.message.EmailMessage)
    return result


def calendar_parts(message: email.message.EmailMessage) -> list[email.message.EmailMessage]:
    return [part for part in message.walk() if part.get_content_type() == "text/calendar"]


def test_invitation_has_text_html_and_a_request(people: People) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        meeting = schedule(people)
    message = next(m for m in outbox.outbox if m.to == [people.member.email])
    assert message.subject == "Invitation : Rencontre virtuelle du réseau " \
                              "(Réseau Municipalités accessibles)"
    assert "Bonjour Marc Membre" in message.body
    assert "de 13\xa0h\xa030 à 15\xa0h" in message.body
    # The links are Marc's join-back links to the meeting (test_mail_links.py follows them).
    assert "/courriel/lien/" in message.body
    assert JoinLink.objects.filter(user=people.member, target=f"/espaces/rma/rencontres/"
                                   f"{meeting.pk}/").exists()
    whole = parsed(message)
    html = whole.get_body(preferencelist=("html",))
    assert html is not None and "<strong>Bilan</strong>" in html.get_content()
    [itip] = calendar_parts(whole)
    assert itip.get_param("method") == "REQUEST"
    event = vobject.readOne(itip.get_content()).vevent
    assert event.uid.value == meeting.ics_uid
    attachment = next(p for p in whole.walk() if p.get_filename() == "invitation.ics")
    assert attachment.get_content_type() == "application/ics"


def test_each_person_gets_their_language(people: People) -> None:
    people.member.language = Language.ENGLISH
    people.member.save()
    with TestCase.captureOnCommitCallbacks(execute=True):
        schedule(people)
    english = next(m for m in outbox.outbox if m.to == [people.member.email])
    french = next(m for m in outbox.outbox if m.to == [people.other_member.email])
    assert english.subject.startswith("Invitation: ")
    assert "Hello Marc Membre" in english.body
    assert "1:30 PM" in english.body
    assert french.subject.startswith("Invitation : ")
    assert "13\xa0h\xa030" in french.body


def test_cancellation_is_a_cancel_with_the_same_uid(meeting: Meeting, people: People) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        cancel_meeting(actor=people.facilitator, meeting=meeting, note="Tempête de neige")
    message = next(m for m in outbox.outbox if m.to == [people.member.email])
    assert "Tempête de neige" in message.body
    [itip] = calendar_parts(parsed(message))
    assert itip.get_param("method") == "CANCEL"
    event = vobject.readOne(itip.get_content()).vevent
    assert event.uid.value == meeting.ics_uid
    assert event.status.value == "CANCELLED"
    assert event.sequence.value == "1"


def test_people_who_left_before_the_send_get_nothing(people: People) -> None:
    from communities.services.spaces import leave_space

    with TestCase.captureOnCommitCallbacks(execute=True):
        schedule(people, invitees=[people.member])
        leave_space(actor=people.member, space=people.space)
    assert outbox.outbox == []


def test_an_invitation_with_its_ics_over_smtp(people: People, smtp_server: Mailbox) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        meeting = schedule(people, invitees=[people.member])
    [message] = smtp_server.wait_for(1)
    assert smtp_server.received[0].rcpt_tos == [people.member.email]
    assert str(message["Subject"]).strip().startswith("Invitation : ")
    assert message.get_content_type() == "multipart/mixed"
    alternative = next(p for p in message.walk()
                       if p.get_content_type() == "multipart/alternative")
    kinds = [p.get_content_type() for p in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    itip = list(alternative.iter_parts())[2]
    assert itip.get_param("method") == "REQUEST"
    calendar = vobject.readOne(itip.get_content(), validate=True)
    assert calendar.method.value == "REQUEST"
    assert calendar.vevent.uid.value == meeting.ics_uid
    assert [a.value for a in calendar.vevent.contents["attendee"]] == [
        f"mailto:{people.member.email}"]
