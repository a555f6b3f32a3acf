"""Helpers of the inbox tests: meetings in the future, and many members at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from communities.models import Membership, Role, User
from meetings.models import MeetingMode
from meetings.services.scheduling import schedule_meeting
from tests.conftest import People


@pytest.fixture(autouse=True)
def _uses_postgres(uses_postgres: None) -> None:
    """The inbox's bulk writes and counts are pinned on the production database."""


def soon(days: float = 10, hours: float = 0) -> datetime:
    return (timezone.now() + timedelta(days=days, hours=hours)).replace(
        minute=30, second=0, microsecond=0)


def schedule(people: People, **overrides: Any) -> Any:
    arguments: dict[str, Any] = {
        "title": "Rencontre virtuelle du réseau", "starts_at": soon(),
        "ends_at": soon(hours=2), "mode": MeetingMode.VIRTUAL,
        "video_url": "https://zoom.us/j/123456", "agenda": "1. Tour de table\n2. **Bilan**",
    }
    arguments.update(overrides)
    return schedule_meeting(actor=people.facilitator, space=people.space, **arguments)


def add_members(people: People, count: int) -> list[User]:
    """``count`` more members of the people's space, without hashing a password each."""
    users = User.objects.bulk_create([
        User(email=f"membre{n}@exemple.qc.ca", display_name=f"Personne {n}",
             password="!") for n in range(count)])
    Membership.objects.bulk_create([Membership(space=people.space, user=u, role=Role.MEMBER)
                                    for u in users])
    return users
