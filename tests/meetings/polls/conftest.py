"""Slots in the future, typed as a facilitator would: a day and wall-clock times in
America/Toronto."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone, translation

from meetings.models import MeetingMode
from meetings.models.polls import DatePoll
from meetings.services.polls import open_poll
from meetings.timezones import instant_from_local
from tests.conftest import People


@pytest.fixture(autouse=True)
def _tasks_run_inline() -> None:
    """Unlike the meeting tests around them, poll tests keep the database task queue of the
    settings: several run the worker themselves to see what it sends and when."""


@pytest.fixture(autouse=True)
def _in_french() -> Iterator[None]:
    # A page rendered for an English reader leaves English active in this thread; messages
    # are asserted in French, the source language.
    with translation.override("fr-ca"):
        yield


def local_slot(day: date, start: str, end: str) -> tuple[datetime, datetime]:
    return (instant_from_local(day, time.fromisoformat(start)),
            instant_from_local(day, time.fromisoformat(end)))


@pytest.fixture
def next_week() -> date:
    return timezone.localdate() + timedelta(days=7)


@pytest.fixture
def three_slots(next_week: date) -> list[tuple[datetime, datetime]]:
    return [local_slot(next_week, "13:30", "15:00"),
            local_slot(next_week + timedelta(days=1), "09:00", "10:30"),
            local_slot(next_week + timedelta(days=2), "19:00", "20:00")]


@pytest.fixture
def poll(people: People, three_slots: list[tuple[datetime, datetime]]) -> DatePoll:
    return open_poll(actor=people.facilitator, space=people.space,
                     title="Rencontre du réseau", agenda="1. Bilan\n2. Projets",
                     mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/123456",
                     slots=three_slots)


def slot_ids(poll: DatePoll) -> list[int]:
    return list(poll.slots.values_list("pk", flat=True))
