"""Times entered in America/Toronto, stored in UTC, shown the Quebec way — across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from communities.errors import ServiceError
from meetings.formatting import format_span, format_when
from meetings.timezones import MEETING_TIME_ZONE, instant_from_local

NBSP = "\xa0"


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


def test_quebec_format_of_the_brief() -> None:
    moment = datetime(2025, 6, 5, 13, 30, tzinfo=MEETING_TIME_ZONE)
    assert plain(format_when(moment, language="fr-ca")) == "jeudi 5 juin 2025, 13 h 30"
    # Non-breaking spaces keep "13 h 30" on one line.
    assert format_when(moment, language="fr-ca").endswith(f"13{NBSP}h{NBSP}30")


def test_english_equivalent() -> None:
    moment = datetime(2025, 6, 5, 13, 30, tzinfo=MEETING_TIME_ZONE)
    assert format_when(moment, language="en") == "Thursday, June 5, 2025, 1:30 PM"


@pytest.mark.parametrize(("moment", "french", "english"), [
    (datetime(2025, 6, 1, 9, 0), "dimanche 1er juin 2025, 9 h", "Sunday, June 1, 2025, 9:00 AM"),
    (datetime(2025, 12, 31, 0, 5), "mercredi 31 décembre 2025, 0 h 05",
     "Wednesday, December 31, 2025, 12:05 AM"),
    (datetime(2026, 2, 14, 12, 0), "samedi 14 février 2026, 12 h",
     "Saturday, February 14, 2026, 12:00 PM"),
])
def test_full_hours_first_of_month_midnight_noon(moment: datetime, french: str,
                                                 english: str) -> None:
    aware = moment.replace(tzinfo=MEETING_TIME_ZONE)
    assert plain(format_when(aware, language="fr-ca")) == french
    assert format_when(aware, language="en") == english


def test_a_utc_instant_is_shown_in_toronto_time() -> None:
    # 17:30 UTC in June is 13:30 EDT; in January 18:30 UTC is 13:30 EST.
    assert plain(format_when(datetime(2025, 6, 5, 17, 30, tzinfo=UTC), language="fr-ca")
                 ).endswith("13 h 30")
    assert plain(format_when(datetime(2026, 1, 15, 18, 30, tzinfo=UTC), language="fr-ca")
                 ).endswith("13 h 30")


def test_span_on_one_day_and_over_two() -> None:
    start = datetime(2025, 6, 5, 13, 30, tzinfo=MEETING_TIME_ZONE)
    end = datetime(2025, 6, 5, 15, 0, tzinfo=MEETING_TIME_ZONE)
    assert plain(format_span(start, end, language="fr-ca")) == \
        "jeudi 5 juin 2025, de 13 h 30 à 15 h"
    assert format_span(start, end, language="en") == \
        "Thursday, June 5, 2025, from 1:30 PM to 3:00 PM"
    later = datetime(2025, 6, 6, 12, 0, tzinfo=MEETING_TIME_ZONE)
    assert plain(format_span(start, later, language="fr-ca")) == \
        "du jeudi 5 juin 2025, 13 h 30 au vendredi 6 juin 2025, 12 h"


def test_meeting_on_the_sunday_of_the_spring_change() -> None:
    # 9 March 2025: 02:00 EST becomes 03:00 EDT. A 10:00 meeting is 14:00 UTC, not 15:00.
    start = instant_from_local(date(2025, 3, 9), time(10, 0))
    assert start.astimezone(UTC) == datetime(2025, 3, 9, 14, 0, tzinfo=UTC)
    before = instant_from_local(date(2025, 3, 8), time(10, 0))
    assert before.astimezone(UTC) == datetime(2025, 3, 8, 15, 0, tzinfo=UTC)
    # A meeting from 01:00 to 04:00 that day lasts two hours, not three.
    night = instant_from_local(date(2025, 3, 9), time(1, 0))
    dawn = instant_from_local(date(2025, 3, 9), time(4, 0))
    assert (dawn - night).total_seconds() == 2 * 3600
    assert plain(format_when(start, language="fr-ca")) == "dimanche 9 mars 2025, 10 h"


def test_meeting_on_the_sunday_of_the_autumn_change() -> None:
    # 2 November 2025: 02:00 EDT becomes 01:00 EST. 10:00 that day is 15:00 UTC.
    start = instant_from_local(date(2025, 11, 2), time(10, 0))
    assert start.astimezone(UTC) == datetime(2025, 11, 2, 15, 0, tzinfo=UTC)
    assert plain(format_when(start, language="fr-ca")) == "dimanche 2 novembre 2025, 10 h"


def test_a_time_skipped_by_the_spring_change_is_refused() -> None:
    with pytest.raises(ServiceError) as caught:
        instant_from_local(date(2025, 3, 9), time(2, 30))
    assert caught.value.code == "nonexistent_time"
    assert "heure avancée" in str(caught.value)


def test_a_time_repeated_by_the_autumn_change_is_refused() -> None:
    with pytest.raises(ServiceError) as caught:
        instant_from_local(date(2025, 11, 2), time(1, 30))
    assert caught.value.code == "ambiguous_time"
