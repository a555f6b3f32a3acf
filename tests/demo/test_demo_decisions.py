"""The demo records decisions and action items from its past meetings, once."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from decisions.models import ActionItem, Decision
from demo import decisions_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo_settings(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")}}}


def test_the_demo_has_decisions_and_actions_and_a_second_load_adds_none() -> None:
    call_command("load_demo", stdout=StringIO())
    assert Decision.objects.count() == len(decisions_data.DECISIONS)
    assert ActionItem.objects.count() == len(decisions_data.ACTIONS)
    assert all(a.meeting_id for a in ActionItem.objects.all())
    assert ActionItem.objects.filter(status="doing").count() == 1
    assert ActionItem.objects.get(what="Compléter l'inventaire des parcs").assignees.count() == 3
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert Decision.objects.count() == len(decisions_data.DECISIONS)
    assert "suivis" in out.getvalue()
