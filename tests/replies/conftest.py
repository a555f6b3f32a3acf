from __future__ import annotations

import pytest

from communities.models import Thread
from tests.conftest import People
from tests.replies.helpers import discussion


@pytest.fixture
def thread(people: People) -> Thread:
    return discussion(author=people.facilitator, space=people.space)
