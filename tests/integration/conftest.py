"""Fixtures of the end-to-end tests: people the server processes can sign in."""

from __future__ import annotations

import pytest
from django.conf import settings

from communities.models import User
from tests.conftest import People
from tests.integration.helpers import server_password_hash


@pytest.fixture
def community(people: People) -> People:
    """``people``, committed, with passwords the server processes can check."""
    User.objects.update(password=server_password_hash())
    return people


@pytest.fixture
def redis_url() -> str | None:
    """The machine's Redis when the run has one (REDIS_URL), else None: processes then learn
    of each other's events only through the hub's audit of the log."""
    return settings.REDIS_URL or None
