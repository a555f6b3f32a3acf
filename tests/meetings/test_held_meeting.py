"""A meeting that already took place, added afterwards so its attendance and minutes count."""

from __future__ import annotations

import pytest
from django.core import mail as outbox

from communities.errors import Forbidden, ServiceError
from meetings.models import Meeting, MeetingMode, Presence
from meetings.services.attendance import record_attendance
from meetings.services.scheduling import record_held_meeting
from tests.conftest import People
from tests.meetings.conftest import in_days
from tests.meetings.helpers import verify_meeting_action

pytestmark = pytest.mark.django_db


def held(people: People, *, days: float = -7, **overrides: object) -> Meeting:
    arguments: dict = {"title": "Rencontre de bilan", "starts_at": in_days(days),
                       "ends_at": in_days(days, 15, 0), "mode": MeetingMode.IN_PERSON,
                       "address": "Hôtel de ville, salle du conseil"}
    arguments.update(overrides)
    return record_held_meeting(actor=people.facilitator, space=people.space, **arguments)


def test_a_held_meeting_is_announced_and_invites_no_one(people: People) -> None:
    meeting, events = verify_meeting_action(people.space.slug, lambda: held(people),
                                            kinds=["meeting.scheduled"])
    assert events[0].payload["meeting"]["id"] == meeting.pk
    assert meeting.has_started
    assert outbox.outbox == []


def test_its_attendance_and_minutes_can_then_be_recorded(people: People) -> None:
    meeting = held(people)
    record_attendance(actor=people.facilitator, meeting=meeting,
                      attendees={people.member.pk: Presence.IN_PERSON}, guests=2,
                      minutes="Bilan adopté.")
    meeting.refresh_from_db()
    assert meeting.attendances.count() == 1 and meeting.guests == 2


def test_a_meeting_not_over_yet_must_be_scheduled_instead(people: People) -> None:
    with pytest.raises(ServiceError) as refusal:
        held(people, days=3)
    assert refusal.value.code == "meeting_not_over" and "planifiez-la" in str(refusal.value)
    assert not Meeting.objects.exists()


def test_only_organisers_add_a_held_meeting(people: People) -> None:
    with pytest.raises(Forbidden):
        record_held_meeting(actor=people.member, space=people.space, title="X",
                            starts_at=in_days(-3), ends_at=in_days(-3, 15, 0),
                            mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1")
    assert not Meeting.objects.exists()
