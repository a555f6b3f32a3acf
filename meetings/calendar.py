"""RFC 5545 calendars for meetings, built with the ``icalendar`` library.

One VEVENT per meeting, whatever the channel (download, email invitation, personal feed), so
a calendar that received the invitation recognises the same event in the feed: the UID never
changes, SEQUENCE is the meeting's change counter, STATUS:CANCELLED once cancelled. Times carry
TZID=America/Toronto with its VTIMEZONE generated from zoneinfo, so DST is the reader's
calendar's job, done from rules we ship in the file. A time that happens twice in Toronto
(01:30 on the autumn-change Sunday) is written in UTC instead: with a TZID, RFC 5545 reads
it as the first occurrence, which would be an hour off for the second.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from enum import StrEnum

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vRecur,
    vText,
)

from communities.models import User
from meetings.links import meeting_url
from meetings.models import Meeting, MeetingMode
from meetings.timezones import MEETING_TIME_ZONE, is_ambiguous, local

PRODID = "-//Espace MUNI//Espace collaboratif//FR"


class ItipMethod(StrEnum):
    """RFC 5546 methods: PUBLISH for a download, REQUEST to invite or update, CANCEL."""

    PUBLISH = "PUBLISH"
    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


def _organizer_address() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "ne-pas-repondre@localhost"


def _organizer_name(meeting: Meeting) -> str:
    space = meeting.space
    if space.parent_id is None:
        return space.name
    parent = space.parent
    assert parent is not None
    return _("%(committee)s (%(space)s)") % {"committee": space.name, "space": parent.name}


def _description(meeting: Meeting, url: str) -> str:
    parts = []
    if meeting.agenda:
        parts.append(meeting.agenda)
    if meeting.video_url:
        parts.append(_("Lien de visioconférence : %(url)s") % {"url": meeting.video_url})
    parts.append(_("Détails et réponse : %(url)s") % {"url": url})
    if meeting.cancellation_note:
        parts.insert(0, _("Annulée : %(note)s") % {"note": meeting.cancellation_note})
    return "\n\n".join(parts)


def _location(meeting: Meeting) -> str:
    if meeting.mode == MeetingMode.VIRTUAL:
        return meeting.video_url
    if meeting.mode == MeetingMode.HYBRID:
        return f"{' '.join(meeting.address.split())} / {meeting.video_url}"
    return " ".join(meeting.address.split())


def _calendar_time(value: datetime) -> datetime:
    return value.astimezone(UTC) if is_ambiguous(value) else local(value)


def meeting_event(meeting: Meeting, *, attendee: User | None = None,
                  stamp: datetime | None = None) -> Event:
    url = meeting_url(meeting)
    event = Event()
    event.add("uid", meeting.ics_uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", (stamp or timezone.now()).astimezone(UTC))
    event.add("created", meeting.created_at.astimezone(UTC))
    event.add("last-modified", meeting.updated_at.astimezone(UTC))
    event.add("dtstart", _calendar_time(meeting.starts_at))
    event.add("dtend", _calendar_time(meeting.ends_at))
    event.add("summary", meeting.title)
    event.add("description", _description(meeting, url))
    location = _location(meeting)
    if location:
        event.add("location", location)
    event.add("url", url)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    organizer = vCalAddress(f"mailto:{_organizer_address()}")
    organizer.params["cn"] = vText(_organizer_name(meeting))
    if meeting.space.parent_id is not None:
        # Calendars file and colour by category: a committee's meeting is told apart from
        # its space's, whatever the channel it arrived by.
        event.add("categories", [_("Rencontre de comité"), meeting.space.name])
    event.add("organizer", organizer)
    if attendee is not None:
        # Only the recipient, never the other members: addresses stay private (Law 25).
        address = vCalAddress(f"mailto:{attendee.email}")
        address.params["cn"] = vText(attendee.display_name)
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["partstat"] = vText("NEEDS-ACTION")
        address.params["rsvp"] = vText("FALSE")
        event.add("attendee", address)
    return event


def toronto_vtimezone() -> Timezone:
    """America/Toronto as RRULEs (the rules in force since 2007: second Sunday of March,
    first Sunday of November, at 02:00), the form Outlook, Google and Apple publish.

    icalendar's ``add_missing_timezones`` lists every transition as RDATEs instead; readers
    built on dateutil (vobject among them) then read 10:00 on the spring-change Sunday as
    EST, an hour off, and Outlook is known to ignore RDATE in VTIMEZONE. A test compares
    this definition with zoneinfo hour by hour, so a change of the rules fails CI."""
    zone = Timezone()
    zone.add("tzid", MEETING_TIME_ZONE.key)
    daylight = TimezoneDaylight()
    daylight.add("tzname", "EDT")
    daylight.add("tzoffsetfrom", timedelta(hours=-5))
    daylight.add("tzoffsetto", timedelta(hours=-4))
    daylight.add("dtstart", datetime(2007, 3, 11, 2, 0))
    daylight.add("rrule", vRecur(freq="YEARLY", bymonth=3, byday="2SU"))
    standard = TimezoneStandard()
    standard.add("tzname", "EST")
    standard.add("tzoffsetfrom", timedelta(hours=-4))
    standard.add("tzoffsetto", timedelta(hours=-5))
    standard.add("dtstart", datetime(2007, 11, 4, 2, 0))
    standard.add("rrule", vRecur(freq="YEARLY", bymonth=11, byday="1SU"))
    zone.add_component(daylight)
    zone.add_component(standard)
    return zone


def _calendar(*, method: ItipMethod | None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method is not None:
        calendar.add("method", str(method))
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", MEETING_TIME_ZONE.key)
    return calendar


def meeting_calendar(meeting: Meeting, *, method: ItipMethod = ItipMethod.PUBLISH,
                     attendee: User | None = None) -> Calendar:
    calendar = _calendar(method=method)
    calendar.add_component(toronto_vtimezone())
    calendar.add_component(meeting_event(meeting, attendee=attendee))
    return calendar


def feed_calendar(meetings: Iterable[Meeting], *, name: str) -> Calendar:
    """A subscribed calendar: no METHOD (RFC 7986 feeds are plain calendars), a name, and a
    refresh hint that Apple and Outlook honour (Google polls on its own schedule)."""
    calendar = _calendar(method=None, name=name)
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    calendar.add_component(toronto_vtimezone())
    stamp = timezone.now()
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, stamp=stamp))
    return calendar
