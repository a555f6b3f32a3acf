"""Dates and times of meetings as a reader expects them: "jeudi 5 juin 2025, 13 h 30" in
French (Office québécois de la langue française: 24-hour clock, "h" between non-breaking
spaces, no ":00" for full hours, "1er" for the first day of the month) and "Thursday, June 5,
2025, 1:30 PM" in English. One place, so pages, emails and calendars agree."""

from __future__ import annotations

from datetime import datetime

from django.utils import dateformat, translation
from django.utils.translation import gettext as _

from meetings.timezones import local


def _is_english(language: str | None) -> bool:
    return (language or translation.get_language() or "fr").lower().startswith("en")


def format_time(value: datetime, *, language: str | None = None) -> str:
    moment = local(value)
    if _is_english(language):
        hour = moment.hour % 12 or 12
        return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"
    if moment.minute == 0:
        return f"{moment.hour}\xa0h"
    return f"{moment.hour}\xa0h\xa0{moment.minute:02d}"


def format_day(value: datetime, *, language: str | None = None) -> str:
    moment = local(value)
    with translation.override("en" if _is_english(language) else "fr-ca"):
        weekday = dateformat.format(moment, "l")
        month = dateformat.format(moment, "F")
    if _is_english(language):
        return f"{weekday}, {month} {moment.day}, {moment.year}"
    day = "1er" if moment.day == 1 else str(moment.day)
    return f"{weekday.lower()} {day} {month.lower()} {moment.year}"


def format_when(value: datetime, *, language: str | None = None) -> str:
    """ "jeudi 5 juin 2025, 13 h 30" / "Thursday, June 5, 2025, 1:30 PM"."""
    return f"{format_day(value, language=language)}, {format_time(value, language=language)}"


def format_span(start: datetime, end: datetime, *, language: str | None = None) -> str:
    """A meeting's time: one day and two times when it ends the same day, two full dates
    otherwise."""
    lang = "en" if _is_english(language) else "fr-ca"
    with translation.override(lang):
        if local(start).date() == local(end).date():
            return _("%(day)s, de %(start)s à %(end)s") % {
                "day": format_day(start, language=lang),
                "start": format_time(start, language=lang),
                "end": format_time(end, language=lang)}
        return _("du %(start)s au %(end)s") % {
            "start": format_when(start, language=lang), "end": format_when(end, language=lang)}
