"""A thread of the ``people`` space, as the page tests find it, and an invitation link."""

from __future__ import annotations

import pytest

from communities.models import Role, Thread
from communities.services.discussion import post_message, start_thread
from communities.services.spaces import invite_member
from tests.conftest import People


@pytest.fixture
def thread(people: People) -> Thread:
    """Marc's question, not yet answered."""
    return start_thread(actor=people.member, space=people.space, title="Bancs accessibles",
                        body="Qui a un **guide** des bancs ?").thread


@pytest.fixture
def answered_thread(people: People, thread: Thread) -> Thread:
    """Marc's question with Noémie's answer."""
    post_message(actor=people.other_member, thread=thread, body="Oui, *voici* le nôtre.")
    return thread


@pytest.fixture
def token(people: People) -> str:
    """The link Florence sent to Nadia, who has no account yet."""
    return invite_member(actor=people.facilitator, space=people.space,
                         email="nadia@exemple.qc.ca", role=Role.MEMBER).token
