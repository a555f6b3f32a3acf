"""Every instant survives the calendar: around both daylight-saving changes, the meeting's
start and end read back from the .ics download and from the personal feed, by two
independent parsers (icalendar and vobject), are the instants stored. A time that happens
twice in Toronto is written in UTC; the API refuses one as the form does."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import icalendar
import pytest
import vobject
from django.test import Client
from django.urls import reverse

from communities.errors import ServiceError
from meetings.calendar import meeting_calendar
from meetings.models import Meeting
from meetings.services.feeds import issue_calendar_feed
from meetings.timezones import instant_from_local
from tests.conftest import People
from tests.meetings.conftest import schedule

pytestmark = pytest.mark.django_db

# The spring change of 2027 (14 March, 02:00 EST → 03:00 EDT) and the autumn one
# (7 November, 02:00 EDT → 01:00 EST), every quarter hour from before to after.
SPRING = [datetime(2027, 3, 14, 5, 0, tzinfo=UTC) + timedelta(minutes=15 * n)
          for n in range(17)]
AUTUMN = [datetime(2027, 11, 7, 4, 0, tzinfo=UTC) + timedelta(minutes=15 * n)
          for n in range(21)]


def api_for(email: str) -> Client:
    token = Client().post("/api/v1/auth/token", {"email": email,
                                                 "password": "mot-de-passe-solide-42"},
                          content_type="application/json").json()["token"]
    return Client(headers={"authorization": f"Bearer {token}"})


def read_back(raw: bytes) -> list[tuple[datetime, datetime]]:
    """(start, end) in UTC of every event, as icalendar and as vobject read them; the two
    must agree."""
    by_icalendar = [(e.decoded("dtstart").astimezone(UTC), e.decoded("dtend").astimezone(UTC))
                    for e in icalendar.Calendar.from_ical(raw).walk("VEVENT")]
    by_vobject = [(e.dtstart.value.astimezone(UTC), e.dtend.value.astimezone(UTC))
                  for e in vobject.readOne(raw.decode()).contents["vevent"]]
    assert by_icalendar == by_vobject, (by_icalendar, by_vobject)
    return by_icalendar


@pytest.mark.parametrize("starts_at", SPRING + AUTUMN, ids=lambda d: d.strftime("%m%dT%H%MZ"))
def test_every_instant_round_trips_through_the_ics_and_the_feed(people: People,
                                                                 starts_at: datetime) -> None:
    meeting = schedule(people)
    # Stored directly: the API accepted such instants before it refused them, so rows
    # holding them exist and their calendars must still be right.
    ends_at = starts_at + timedelta(minutes=45)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts_at, ends_at=ends_at)
    download = Client()
    download.force_login(people.member)
    raw = download.get(reverse("meeting-ics", args=["rma", meeting.pk])).content
    assert read_back(raw) == [(starts_at, ends_at)]
    feed = Client().get(reverse("calendar-feed", args=[issue_calendar_feed(actor=people.member)]))
    assert read_back(feed.content) == [(starts_at, ends_at)]


def test_the_second_one_thirty_is_written_in_utc(people: People) -> None:
    meeting = schedule(people)
    second = datetime(2027, 11, 7, 6, 30, tzinfo=UTC)  # 01:30 EST, after 01:30 EDT
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=second,
                                                 ends_at=second + timedelta(hours=1))
    meeting.refresh_from_db()
    raw = meeting_calendar(meeting).to_ical()
    assert b"DTSTART:20271107T063000Z" in raw
    assert b"DTEND;TZID=America/Toronto:20271107T023000" in raw


def send(client: Client, method: str, url: str, payload: dict[str, Any]) -> Any:
    return getattr(client, method)(url, json.dumps(payload), content_type="application/json")


def form_message(day: date, clock: time) -> str:
    with pytest.raises(ServiceError) as refused:
        instant_from_local(day, clock)
    return str(refused.value.message)


NEW = {"title": "Comité de travail", "mode": "virtual",
       "video_url": "https://teams.microsoft.com/l/meetup-join/abc"}


@pytest.mark.parametrize("offset", ["-05:00", "-04:00"])
def test_the_api_refuses_a_repeated_wall_clock_time_with_the_form_s_message(
        people: People, offset: str) -> None:
    client = api_for(people.facilitator.email)
    refused = send(client, "post", "/api/v1/spaces/rma/meetings",
                   {**NEW, "starts_at": f"2027-11-07T01:30:00{offset}",
                    "ends_at": "2027-11-07T03:00:00-05:00"})
    assert refused.status_code == 400, refused.content
    assert refused.json()["code"] == "ambiguous_time"
    assert refused.json()["message"] == form_message(date(2027, 11, 7), time(1, 30))
    assert not Meeting.objects.exists()


def test_the_api_refuses_moving_a_meeting_to_a_repeated_time(people: People) -> None:
    client = api_for(people.facilitator.email)
    created = send(client, "post", "/api/v1/spaces/rma/meetings",
                   {**NEW, "starts_at": "2027-11-06T10:00:00-04:00",
                    "ends_at": "2027-11-06T11:00:00-04:00"})
    assert created.status_code == 201, created.content
    url = f"/api/v1/spaces/rma/meetings/{created.json()['id']}"
    moved = send(client, "patch", url, {"starts_at": "2027-11-07T00:30:00-04:00",
                                        "ends_at": "2027-11-07T01:15:00-05:00"})
    assert moved.status_code == 400, moved.content
    assert moved.json()["message"] == form_message(date(2027, 11, 7), time(1, 15))
    assert Meeting.objects.get().starts_at == datetime(2027, 11, 6, 14, 0, tzinfo=UTC)


def test_an_instant_named_by_a_skipped_wall_clock_time_keeps_its_instant(
        people: People) -> None:
    # 02:30 at -05:00 on the spring Sunday is 07:30Z, shown as 03:30 EDT: one instant, no
    # guess; the calendar gives it back whole.
    client = api_for(people.facilitator.email)
    created = send(client, "post", "/api/v1/spaces/rma/meetings",
                   {**NEW, "starts_at": "2027-03-14T02:30:00-05:00",
                    "ends_at": "2027-03-14T04:00:00-04:00"})
    assert created.status_code == 201, created.content
    raw = client.get(f"/api/v1/spaces/rma/meetings/{created.json()['id']}/ics").content
    assert read_back(raw) == [(datetime(2027, 3, 14, 7, 30, tzinfo=UTC),
                               datetime(2027, 3, 14, 8, 0, tzinfo=UTC))]
