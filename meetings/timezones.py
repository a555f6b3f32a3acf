"""The one time zone meetings are entered and shown in. Storage is UTC; this module turns
wall-clock times typed by a facilitator into instants, refusing the ones a daylight-saving
change makes impossible or ambiguous instead of guessing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from communities.errors import ServiceError

MEETING_TIME_ZONE_NAME = "America/Toronto"
MEETING_TIME_ZONE = ZoneInfo(MEETING_TIME_ZONE_NAME)


def local(value: datetime) -> datetime:
    """An aware instant as a wall-clock time in the meetings' time zone."""
    return value.astimezone(MEETING_TIME_ZONE)


def instant_from_local(day: date, clock: time) -> datetime:
    """The instant (in UTC) a wall-clock time in America/Toronto names.

    On the spring change (02:00 → 03:00) the times in between do not exist; on the autumn
    change (02:00 → 01:00) the times between 01:00 and 02:00 happen twice. Both are refused
    with a message saying why, since either guess would put people in the wrong room."""
    try:
        return _instant(day, clock)
    except OverflowError:  # within hours of 9999-12-31: no instant can hold it
        raise ServiceError("date_out_of_range", _(
            "La date du %(day)s est trop lointaine : vérifiez l'année.")
            % {"day": day.isoformat()}) from None


def _instant(day: date, clock: time) -> datetime:
    naive = datetime.combine(day, clock.replace(tzinfo=None))
    first = naive.replace(tzinfo=MEETING_TIME_ZONE, fold=0)
    second = naive.replace(tzinfo=MEETING_TIME_ZONE, fold=1)
    if first.utcoffset() != second.utcoffset():
        # Round-tripping through UTC tells a gap (the time does not exist) from a repeat.
        # (via UTC: astimezone to the datetime's own zone returns it unchanged).
        exists = first.astimezone(UTC).astimezone(MEETING_TIME_ZONE).replace(
            tzinfo=None) == naive
        if not exists:
            raise ServiceError("nonexistent_time", _(
                "L'heure %(time)s n'existe pas le %(day)s à cause du passage à l'heure "
                "avancée : choisissez une autre heure.") % {
                    "time": clock.strftime("%H:%M"), "day": day.isoformat()})
        raise _ambiguous(naive)
    # In UTC: Python subtracts two datetimes of the same zone by wall clock, which would make
    # a meeting across the spring change an hour longer than it is.
    return first.astimezone(UTC)


def _ambiguous(naive: datetime) -> ServiceError:
    return ServiceError("ambiguous_time", _(
        "L'heure %(time)s revient deux fois le %(day)s à cause du retour à l'heure "
        "normale : choisissez une autre heure.") % {
            "time": naive.strftime("%H:%M"), "day": naive.date().isoformat()})


def is_ambiguous(value: datetime) -> bool:
    """Whether the wall-clock time of this instant in America/Toronto happens twice (the
    autumn change): written as that wall-clock time, RFC 5545 reads the first occurrence."""
    wall = local(value).replace(tzinfo=None)
    return (wall.replace(tzinfo=MEETING_TIME_ZONE, fold=0).utcoffset()
            != wall.replace(tzinfo=MEETING_TIME_ZONE, fold=1).utcoffset())


def refuse_ambiguous(value: datetime) -> None:
    """Refuse an instant whose wall-clock time repeats, with the form's own message: the
    pages show meetings (and the edit form takes them back) as wall-clock times, which
    could not tell the two 01:30 apart."""
    if is_ambiguous(value):
        raise _ambiguous(local(value).replace(tzinfo=None))
