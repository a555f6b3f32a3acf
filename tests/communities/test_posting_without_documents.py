"""Posting belongs to communities: with no attachment plug installed (documents absent) a
message is posted as ever and carries no cards, and one that asks for attachments is
refused with a clear error instead of losing them."""

from __future__ import annotations

import logging

import pytest

from communities import attachments
from communities.errors import ServiceError
from communities.models import Message
from communities.serializers import message_data
from communities.services.discussion import post_message, start_thread
from tests.conftest import People

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_plug():  # type: ignore[no-untyped-def]
    previous = attachments.install(None)
    yield
    attachments.install(previous)


def test_a_message_without_attachments_needs_no_plug(people: People, no_plug: None) -> None:
    posted = start_thread(actor=people.member, space=people.space, title="Bancs",
                          body="Qui a un guide ?")
    assert message_data(posted.message)["attachments"] == []


def test_asking_for_attachments_without_a_plug_is_refused_and_logged(
        people: People, no_plug: None, caplog: pytest.LogCaptureFixture) -> None:
    thread = start_thread(actor=people.member, space=people.space, title="Bancs",
                          body="Qui a un guide ?").thread
    with caplog.at_level(logging.ERROR, logger="communities.attachments"), \
            pytest.raises(ServiceError) as refused:
        post_message(actor=people.member, thread=thread, body="Avec pièce", attachments=[1])
    assert refused.value.code == "attachments_unavailable"
    assert "pièces jointes" in str(refused.value.message)
    assert "docs_store" in caplog.text
    assert Message.objects.count() == 1
