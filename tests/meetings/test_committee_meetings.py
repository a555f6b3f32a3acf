"""A committee's meetings: invitations and calendar feeds reach its members only, leaving the
space takes them out of the feed, and an archived committee schedules nothing."""

from __future__ import annotations

import pytest
import vobject
from django.test import Client, TestCase
from django.urls import reverse

from communities.errors import Conflict
from communities.services.committees import archive_committee, create_committee
from communities.services.spaces import remove_member
from meetings.services.feeds import issue_calendar_feed
from meetings.services.scheduling import schedule_meeting
from tests.conftest import People
from tests.meetings.conftest import in_days
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db


def arguments() -> dict:
    return {"title": "Préparation de la rencontre d'automne", "starts_at": in_days(10),
            "ends_at": in_days(10, 15, 0), "mode": "virtual",
            "video_url": "https://zoom.us/j/123456"}


def titles(token: str) -> set[str]:
    body = Client().get(reverse("calendar-feed", args=[token])).content.decode()
    calendar = vobject.readOne(body)
    return {event.summary.value for event in calendar.contents.get("vevent", [])}


def test_committee_meetings_reach_its_members_only(people: People,
                                                   smtp_server: Mailbox) -> None:
    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité de planification", members=[people.member.pk])
    with TestCase.captureOnCommitCallbacks(execute=True):
        schedule_meeting(actor=people.facilitator, space=committee, **arguments())
    smtp_server.wait_for(2)
    invited = {address for received in smtp_server.received for address in received.rcpt_tos}
    # Noémie, a member of the space outside the committee, hears nothing of it.
    assert invited == {people.member.email, people.facilitator.email}
    inside, outside = (issue_calendar_feed(actor=people.member),
                       issue_calendar_feed(actor=people.other_member))
    assert "Préparation de la rencontre d'automne" in titles(inside)
    assert "Préparation de la rencontre d'automne" not in titles(outside)
    remove_member(actor=people.facilitator, space=people.space, member=people.member)
    assert "Préparation de la rencontre d'automne" not in titles(inside)


def test_an_archived_committee_schedules_nothing(people: People) -> None:
    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité de planification")
    archive_committee(actor=people.facilitator, committee=committee)
    committee.refresh_from_db()
    with pytest.raises(Conflict) as refusal:
        schedule_meeting(actor=people.facilitator, space=committee, **arguments())
    assert "archivé" in str(refusal.value)
    assert not committee.meetings.exists()
