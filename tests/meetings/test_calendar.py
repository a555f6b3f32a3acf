"""The .ics files, read back with vobject — an iCalendar parser independent of the
``icalendar`` library that writes them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import vobject

from meetings.calendar import ItipMethod, feed_calendar, meeting_calendar
from meetings.models import Meeting, MeetingMode
from meetings.services.scheduling import cancel_meeting, update_meeting
from meetings.timezones import MEETING_TIME_ZONE, instant_from_local
from tests.conftest import People
from tests.meetings.conftest import schedule

pytestmark = pytest.mark.django_db


def parse(meeting_or_bytes: Meeting | bytes, **options: object) -> vobject.base.Component:
    raw = meeting_or_bytes if isinstance(meeting_or_bytes, bytes) else \
        meeting_calendar(meeting_or_bytes, **options).to_ical()  # type: ignore[arg-type]
    assert b"\r\n" in raw and all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded
    return vobject.readOne(raw.decode(), validate=True)


def test_a_meeting_is_one_valid_event(meeting: Meeting, people: People) -> None:
    calendar = parse(meeting)
    assert calendar.version.value == "2.0"
    assert calendar.prodid.value
    assert calendar.method.value == "PUBLISH"
    event = calendar.vevent
    assert event.uid.value == f"{meeting.uid}@espace-collaboratif"
    assert event.summary.value == meeting.title
    assert event.sequence.value == "0"
    assert event.status.value == "CONFIRMED"
    assert event.dtstart.value == meeting.starts_at
    assert event.dtend.value == meeting.ends_at
    assert b"DTSTART;TZID=America/Toronto:" in meeting_calendar(meeting).to_ical()
    assert "https://zoom.us/j/123456" in event.location.value
    assert "Tour de table" in event.description.value
    assert event.url.value.endswith(f"/espaces/rma/rencontres/{meeting.pk}/")
    assert event.organizer.params["CN"] == [people.space.name]


def test_vtimezone_gives_the_right_instant_on_the_dst_sunday(people: People) -> None:
    # 9 March 2025 (spring change): the parser applies our VTIMEZONE's rules, not its own.
    start = instant_from_local(date(2025, 3, 9), time(10, 0))
    meeting = schedule(people)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start,
                                                 ends_at=start + timedelta(hours=2))
    meeting.refresh_from_db()
    calendar = parse(meeting)
    assert calendar.vtimezone.tzid.value == "America/Toronto"
    assert calendar.vevent.dtstart.value.astimezone(UTC) == datetime(2025, 3, 9, 14, 0,
                                                                      tzinfo=UTC)
    # The timezone component vobject built from our VTIMEZONE, used on its own: EST before
    # the change, EDT after.
    zone = calendar.vtimezone.gettzinfo()
    assert zone.utcoffset(datetime(2025, 3, 8, 10, 0)) == timedelta(hours=-5)
    assert zone.utcoffset(datetime(2025, 3, 9, 10, 0)) == timedelta(hours=-4)


def test_vtimezone_agrees_with_zoneinfo_every_hour_for_years(meeting: Meeting) -> None:
    """If Canada's rules change (tzdata moves), this fails and the VTIMEZONE is updated."""
    zone = parse(meeting).vtimezone.gettzinfo()
    moment = datetime(2025, 1, 1, 0, 30)
    while moment.year < 2032:
        expected = moment.replace(tzinfo=MEETING_TIME_ZONE).utcoffset()
        ambiguous = moment.replace(tzinfo=MEETING_TIME_ZONE, fold=1).utcoffset() != expected
        if not ambiguous:  # the repeated hour of November: either reading is defensible
            assert zone.utcoffset(moment) == expected, moment
        moment += timedelta(hours=1)


def test_uid_is_stable_and_sequence_grows(meeting: Meeting, people: People) -> None:
    first = parse(meeting).vevent
    moved = update_meeting(actor=people.facilitator, meeting=meeting,
                           starts_at=meeting.starts_at + timedelta(days=1),
                           ends_at=meeting.ends_at + timedelta(days=1))
    second = parse(moved).vevent
    cancelled = cancel_meeting(actor=people.facilitator, meeting=moved)
    third = parse(cancelled, method=ItipMethod.CANCEL).vevent
    assert first.uid.value == second.uid.value == third.uid.value
    assert [int(e.sequence.value) for e in (first, second, third)] == [0, 1, 2]
    assert third.status.value == "CANCELLED"


def test_invitation_names_only_its_recipient(meeting: Meeting, people: People) -> None:
    calendar = parse(meeting, method=ItipMethod.REQUEST, attendee=people.member)
    assert calendar.method.value == "REQUEST"
    attendees = calendar.vevent.contents["attendee"]
    assert [a.value for a in attendees] == [f"mailto:{people.member.email}"]


def test_hybrid_location_has_both(people: People) -> None:
    meeting = schedule(people, mode=MeetingMode.HYBRID, address="Hôtel de ville\n1 rue Principale")
    assert parse(meeting).vevent.location.value == \
        "Hôtel de ville 1 rue Principale / https://zoom.us/j/123456"


def test_feed_holds_every_meeting_with_one_timezone(people: People) -> None:
    meetings = [schedule(people, title=f"Rencontre {n}") for n in range(3)]
    raw = feed_calendar(meetings, name="Mes rencontres").to_ical()
    calendar = parse(raw)
    assert not hasattr(calendar, "method")
    assert len(calendar.contents["vevent"]) == 3
    assert len(calendar.contents["vtimezone"]) == 1
    assert calendar.contents["x-wr-calname"][0].value == "Mes rencontres"
