"""The shared plumbing later features stand on: background tasks queued in the database and
run by the worker, and email delivered over real SMTP to a loopback server."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from communities.services.spaces import invite_member
from tests.conftest import People
from tests.smtp import Mailbox

RAN: list[str] = []


@task()
def remember(word: str) -> str:
    RAN.append(word)
    return word.upper()


@pytest.mark.django_db(transaction=True)
def test_a_task_waits_in_the_database_until_a_worker_runs_it(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    RAN.clear()
    result = remember.enqueue("bonjour")
    assert RAN == []
    assert DBTaskResult.objects.filter(id=result.id, status="READY").exists()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert RAN == ["bonjour"]
    finished = DBTaskResult.objects.get(id=result.id)
    assert finished.status == "SUCCESSFUL"
    assert finished.return_value == "BONJOUR"


def test_the_embedded_default_queues_tasks_in_the_database() -> None:
    from django.conf import settings

    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_tasks_db" in settings.INSTALLED_APPS
    assert connection.vendor in {"sqlite", "postgresql"}


def test_an_invitation_arrives_over_smtp_in_french(people: People, smtp_server: Mailbox,
                                                   django_capture_on_commit_callbacks: Any,
                                                   ) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = invite_member(actor=people.facilitator, space=people.space,
                             email="nouvelle@exemple.qc.ca")

    [message] = smtp_server.wait_for(1)
    assert smtp_server.received[0].rcpt_tos == ["nouvelle@exemple.qc.ca"]
    assert message["To"] == "nouvelle@exemple.qc.ca"
    assert "Réseau Municipalités accessibles" in message["Subject"]
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert sent.token in body.get_content()
