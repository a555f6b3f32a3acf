"""Meetings of the ``people`` space, at times that are always in the future (or past)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone, translation

from meetings.models import Meeting, MeetingMode
from meetings.services.scheduling import schedule_meeting
from tests.conftest import People


def in_days(days: float, hour: int = 13, minute: int = 30) -> datetime:
    """An instant ``days`` from now at a round wall-clock time in America/Toronto."""
    from meetings.timezones import MEETING_TIME_ZONE

    day = (timezone.now() + timedelta(days=days)).astimezone(MEETING_TIME_ZONE).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=MEETING_TIME_ZONE)


def schedule(people: People, **overrides: Any) -> Meeting:
    arguments: dict[str, Any] = {
        "title": "Rencontre virtuelle du réseau",
        "starts_at": in_days(10), "ends_at": in_days(10, 15, 0),
        "mode": MeetingMode.VIRTUAL, "video_url": "https://zoom.us/j/123456",
        "agenda": "1. Tour de table\n2. **Bilan** de l'année",
    }
    arguments.update(overrides)
    return schedule_meeting(actor=people.facilitator, space=people.space, **arguments)


@pytest.fixture
def meeting(people: People) -> Meeting:
    return schedule(people)


def make_past(meeting: Meeting, *, days_ago: int = 2) -> Meeting:
    """Move a meeting to the past directly in the database (services refuse to)."""
    start = timezone.now() - timedelta(days=days_ago)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start,
                                                 ends_at=start + timedelta(hours=2))
    meeting.refresh_from_db()
    return meeting


@pytest.fixture(autouse=True)
def _tasks_run_inline(settings: Any) -> None:
    """Meeting emails are queued as tasks; here they run at once, so the outbox (or the
    loopback SMTP server) holds them when the service returns. test_tasks.py checks the
    queue itself."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """A page rendered for an English reader leaves English active in the thread (the locale
    middleware activates it and nothing deactivates it); put the default back so the tests
    that follow read French."""
    yield
    translation.deactivate()
