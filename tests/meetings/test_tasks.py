"""Meeting emails wait in the task queue (database backend) until a worker sends them, so a
facilitator's request does not wait for the mail server."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail as outbox
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from tests.conftest import People
from tests.meetings.conftest import schedule


@pytest.mark.django_db(transaction=True)
def test_invitations_are_queued_then_sent_by_the_worker(people: People, settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    schedule(people)
    assert outbox.outbox == []
    queued = DBTaskResult.objects.get()
    assert queued.status == "READY"
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert len(outbox.outbox) == 3
