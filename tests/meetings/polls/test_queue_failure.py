"""A poll or meeting change already committed is not turned into an error page when its email
cannot be queued (the task database unreachable, say): the failure is logged instead."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest
from django.test import override_settings
from django_tasks.backends.dummy import DummyBackend

from meetings.models import Meeting, MeetingMode
from meetings.models.polls import DatePoll
from meetings.services.polls import open_poll
from meetings.services.scheduling import schedule_meeting
from tests.conftest import People

pytestmark = pytest.mark.django_db


class UnreachableQueue(DummyBackend):
    def enqueue(self, task, args, kwargs):  # type: ignore[no-untyped-def]
        raise ConnectionError("file de tâches injoignable")


BROKEN_QUEUE = {"default": {"BACKEND": f"{__name__}.UnreachableQueue"}}


@override_settings(TASKS=BROKEN_QUEUE)
def test_a_poll_opens_even_when_its_announcement_cannot_be_queued(
        people: People, three_slots: list[tuple[datetime, datetime]],
        django_capture_on_commit_callbacks, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        poll = open_poll(actor=people.facilitator, space=people.space, title="Bilan annuel",
                         mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1",
                         slots=three_slots)
    assert DatePoll.objects.filter(pk=poll.pk).exists()
    assert "file de tâches injoignable" in caplog.text


@override_settings(TASKS=BROKEN_QUEUE)
def test_a_meeting_is_scheduled_even_when_its_invitation_cannot_be_queued(
        people: People, three_slots: list[tuple[datetime, datetime]],
        django_capture_on_commit_callbacks, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    starts_at, ends_at = three_slots[0]
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        meeting = schedule_meeting(actor=people.facilitator, space=people.space,
                                   title="Bilan annuel", starts_at=starts_at, ends_at=ends_at,
                                   mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1")
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert "file de tâches injoignable" in caplog.text
