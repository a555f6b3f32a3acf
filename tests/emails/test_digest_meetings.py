"""Meetings in the digest: the coming weeks' meetings with the member's answer and buttons that
record a new one in one click (landing page, "Continuer"), and the date polls still waiting
for the member's answer."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from emails.models import DigestDelivery, JoinLink
from meetings.models import Rsvp
from meetings.services.polls import open_poll, vote
from meetings.services.rsvp import answer_meeting
from meetings.services.scheduling import cancel_meeting
from tests.conftest import People
from tests.emails.helpers import html_of, path_of, send_weekly, text_of
from tests.meetings.conftest import in_days, schedule
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db


def _link_after(text: str, label: str) -> str:
    found = re.search(re.escape(label) + r" : (\S+)", text)
    assert found, text
    return found[1]


def _use(link: str) -> Client:
    client = Client()
    page = client.get(path_of(link))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    client.post(path_of(link), {"csrfmiddlewaretoken": token[1]})
    return client


def test_upcoming_meetings_come_with_one_click_answers(people: People,
                                                       smtp_server: Mailbox) -> None:
    meeting = schedule(people)
    smtp_server.clear()  # the invitations
    send_weekly([people.member.pk])

    message = smtp_server.wait_for(1)[0]
    text = text_of(message)
    assert "-- Rencontres à venir --" in text
    assert "Rencontre virtuelle du réseau" in text
    assert "Vous n'avez pas encore répondu." in text
    assert re.search(r">Oui</a>.*>Non</a>.*>Peut-être</a>", html_of(message), re.S)

    yes = _link_after(text, "Oui")
    page = Client().get(path_of(yes))
    assert ("Votre réponse « oui » à la rencontre « Rencontre virtuelle du réseau » sera "
            "enregistrée.") in page.content.decode()
    assert not Rsvp.objects.exists()  # the GET did nothing

    client = _use(yes)

    assert Rsvp.objects.get(meeting=meeting, user=people.member).answer == "yes"
    landed = client.get(f"/espaces/{people.space.slug}/rencontres/{meeting.pk}/")
    assert "Votre réponse est enregistrée." in landed.content.decode()


def test_a_given_answer_is_shown_and_only_the_others_are_offered(people: People,
                                                                 smtp_server: Mailbox) -> None:
    meeting = schedule(people)
    answer_meeting(actor=people.member, meeting=meeting, answer="maybe")
    smtp_server.clear()
    send_weekly([people.member.pk])

    text = text_of(smtp_server.wait_for(1)[0])
    assert "Votre réponse : peut-être" in text
    assert "Peut-être : http" not in text
    _use(_link_after(text, "Non"))
    assert Rsvp.objects.get(meeting=meeting, user=people.member).answer == "no"


def test_cancelled_and_far_away_meetings_are_left_out(people: People,
                                                      smtp_server: Mailbox) -> None:
    cancelled = schedule(people, title="Annulée")
    cancel_meeting(actor=people.facilitator, meeting=cancelled)
    schedule(people, title="Dans deux mois", starts_at=in_days(60), ends_at=in_days(60, 15))
    smtp_server.clear()

    result = send_weekly([people.member.pk])

    assert result.empty == [people.member.pk]


def test_a_date_poll_waits_in_the_digest_until_answered(people: People,
                                                        smtp_server: Mailbox) -> None:
    poll = open_poll(actor=people.facilitator, space=people.space, title="Bilan annuel",
                     slots=[(in_days(20), in_days(20, 15)), (in_days(21), in_days(21, 15))],
                     mode="virtual", video_url="https://zoom.us/j/1")
    smtp_server.clear()
    send_weekly([people.member.pk, people.other_member.pk])
    smtp_server.wait_for(2)
    text = text_of(smtp_server.to(people.member.email)[0])
    assert "-- Sondages de dates qui attendent votre réponse --" in text
    assert "Bilan annuel" in text and "2 dates proposées" in text
    poll_path = f"/espaces/{people.space.slug}/sondages/{poll.pk}/"
    assert JoinLink.objects.filter(user=people.member, target=poll_path).exists()

    vote(actor=people.other_member, poll=poll,
         answers={slot.pk: "yes" for slot in poll.slots.all()})
    DigestDelivery.objects.update(period="2000-W01")  # as if those were last week's
    smtp_server.clear()
    result = send_weekly([people.member.pk, people.other_member.pk])

    assert result.sent == [people.member.pk]
    assert result.empty == [people.other_member.pk]
    assert "Bilan annuel" in text_of(smtp_server.wait_for(1)[0])
