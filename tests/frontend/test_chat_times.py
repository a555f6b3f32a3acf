"""How a conversation tells time: "à l'instant", "il y a 5 min", "il y a 2 h" the same day,
the time of day before; day separators "Aujourd'hui", "Hier", "mardi 1 déc." (OQLF
abbreviations); initials for avatars."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from frontend.templatetags.conversation import ago, day_name, initials, relative

pytestmark = pytest.mark.django_db(databases=[])

TORONTO = ZoneInfo("America/Toronto")
NOW = datetime(2026, 12, 3, 15, 30, tzinfo=TORONTO)


@pytest.mark.parametrize(("delta", "french", "english"), [
    (timedelta(seconds=20), "à l'instant", "just now"),
    (timedelta(minutes=5), "il y a 5 min", "5 min ago"),
    (timedelta(hours=2, minutes=10), "il y a 2 h", "2 h ago"),
    (timedelta(hours=20), "19\xa0h\xa030", "7:30 PM"),
])
def test_relative_times(delta: timedelta, french: str, english: str) -> None:
    assert relative(NOW - delta, now=NOW) == french
    with translation.override("en"):
        assert relative(NOW - delta, now=NOW) == english


def test_the_exact_moment_stays_in_the_title() -> None:
    html = ago(datetime(2026, 1, 15, 19, 5, tzinfo=ZoneInfo("UTC")))
    assert 'datetime="2026-01-15T14:05:00-05:00"' in html
    assert 'title="15 janvier 2026, 14\xa0h\xa005"' in html
    assert "data-relative" in html


@pytest.mark.parametrize(("day", "label"), [
    (date(2026, 12, 3), "Aujourd'hui"),
    (date(2026, 12, 2), "Hier"),
    (date(2026, 12, 1), "mardi 1 déc."),
    (date(2026, 6, 18), "jeudi 18 juin"),
    (date(2026, 7, 14), "mardi 14 juill."),
    (date(2025, 9, 2), "mardi 2 sept. 2025"),
])
def test_day_separators_in_french(day: date, label: str) -> None:
    assert day_name(day, date(2026, 12, 3)) == label


def test_day_separators_in_english() -> None:
    with translation.override("en"):
        assert day_name(date(2026, 12, 2), date(2026, 12, 3)) == "Yesterday"
        assert day_name(date(2026, 12, 1), date(2026, 12, 3)) == "Tuesday, Dec 1"


@pytest.mark.parametrize(("name", "letters"), [
    ("Chantal Bélanger", "CB"), ("Marc", "M"), ("Jean-Pierre Roy", "JR"),
    ("émilie d'Anjou", "ÉD"), ("", ""),
])
def test_initials(name: str, letters: str) -> None:
    assert initials(name) == letters
