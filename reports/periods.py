"""Reporting periods. The default is Espace MUNI's fiscal year, April 1 to March 31, the period
of its annual activity report. Boundaries are local midnights in America/Toronto, so a
message posted at 23:30 on March 31 in Montréal belongs to the year it was written in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

FISCAL_YEAR_FIRST_MONTH = 4


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Period:
    """From ``first_day`` to ``last_day``, both included, in local time."""

    first_day: date
    last_day: date

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.first_day, time.min, tzinfo=local_zone())

    @property
    def ends_at(self) -> datetime:
        """Exclusive: midnight after the last day (a DST change keeps it a real midnight)."""
        return datetime.combine(self.last_day + timedelta(days=1), time.min, tzinfo=local_zone())

    @property
    def fiscal_year(self) -> int | None:
        """The year the period starts in when it is exactly one fiscal year, else None."""
        year = self.first_day.year
        return year if self == fiscal_year(year) else None

    @property
    def label(self) -> str:
        year = self.fiscal_year
        if year is not None:
            return _("Exercice {first}-{second}").format(first=year, second=year + 1)
        return _("Du {first} au {last}").format(first=day_label(self.first_day),
                                               last=day_label(self.last_day))

    @property
    def slug(self) -> str:
        """For file names: 2025-2026 or 2025-04-01_2025-06-30."""
        year = self.fiscal_year
        if year is not None:
            return f"{year}-{year + 1}"
        return f"{self.first_day.isoformat()}_{self.last_day.isoformat()}"

    def months(self) -> list[date]:
        """First day of each calendar month the period touches, in order."""
        months = []
        current = self.first_day.replace(day=1)
        while current <= self.last_day:
            months.append(current)
            current = (current + timedelta(days=32)).replace(day=1)
        return months


def day_label(day: date) -> str:
    """ "1er mai 2025" (the first of the month is "1er" in French), "May 1, 2025"."""
    if (translation.get_language() or "fr").startswith("en"):
        return formats.date_format(day, "F j, Y")
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {formats.date_format(day, 'F Y')}"


def fiscal_year(first_year: int) -> Period:
    return Period(date(first_year, FISCAL_YEAR_FIRST_MONTH, 1),
                  date(first_year + 1, FISCAL_YEAR_FIRST_MONTH, 1) - timedelta(days=1))


def fiscal_year_of(day: date) -> Period:
    return fiscal_year(day.year if day.month >= FISCAL_YEAR_FIRST_MONTH else day.year - 1)


def current_fiscal_year() -> Period:
    return fiscal_year_of(timezone.localdate())
