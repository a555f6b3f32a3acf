"""Committed events reach the transport through the publisher ``realtime`` installs at start-up,
in every process that sets Django up (web, task worker, management commands)."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction
from django.test import TestCase

from communities import events
from communities.events import emit, install_publisher
from communities.models import Event

ROOT = Path(__file__).resolve().parents[2]


def test_every_process_that_sets_django_up_gets_the_transport_publisher() -> None:
    # A fresh interpreter, as the task worker or a management command starts: only
    # django.setup(), nothing the test run may already have imported.
    probe = ("import django; django.setup(); from communities import events; "
             "print(events._publisher is not None)")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                            env={"DJANGO_SETTINGS_MODULE": "collab.settings",
                                 "PATH": "/usr/bin:/bin"}, timeout=60, check=True)
    assert result.stdout.strip() == "True", result.stderr


def test_a_committed_event_goes_to_the_installed_publisher(people) -> None:
    received: list[tuple[Event, str]] = []

    def recording(event: Event, *, stream_label: str) -> None:
        received.append((event, stream_label))

    previous = install_publisher(recording)
    try:
        with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
            event = emit(kind="thread.updated", actor=people.facilitator, space=people.space,
                         data={"thread": {"id": 1}, "by": people.facilitator.pk})
    finally:
        install_publisher(previous)
    assert received == [(event, "rma")]


def test_without_a_publisher_the_lost_notification_is_logged(people, caplog) -> None:
    previous = install_publisher(None)
    try:
        with caplog.at_level(logging.ERROR, logger="communities.events"), \
                TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
            emit(kind="thread.updated", actor=people.facilitator, space=people.space,
                 data={"thread": {"id": 1}, "by": people.facilitator.pk})
    finally:
        install_publisher(previous)
    assert "no publisher installed" in caplog.text
    assert "thread.updated" in caplog.text
    assert Event.objects.filter(kind="thread.updated").count() == 1


@pytest.mark.django_db
def test_the_publisher_installed_is_the_transports() -> None:
    assert events._publisher is not None
    assert events._publisher.__module__ == "realtime.apps"
