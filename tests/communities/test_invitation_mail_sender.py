"""Invitations leave through the sender ``emails`` installs when it is ready (the product's
one outgoing path), in the invited person's language; with no sender the invitation is kept
and said to be unsent, never silently dropped."""

from __future__ import annotations

import logging

import pytest
from django.test import TestCase

from communities import mailing
from communities.models import Invitation, Language
from communities.services.spaces import invite_member
from tests.conftest import People, make_user
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db


def test_the_installed_sender_is_the_outgoing_path_of_emails() -> None:
    from emails.outgoing import send_base_mail

    assert mailing._sender is send_base_mail


def test_an_invitation_goes_out_through_compose_in_the_readers_language(
        people: People, smtp_server: Mailbox) -> None:
    make_user("eng@exemple.qc.ca", "English Reader", language=Language.ENGLISH)
    with TestCase.captureOnCommitCallbacks(execute=True):
        invite_member(actor=people.facilitator, space=people.space, email="eng@exemple.qc.ca")
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "eng@exemple.qc.ca"
    assert message["Subject"] == f"Invitation to join {people.space.name}"
    assert message["Message-ID"] and message["Date"]
    assert {part.get_content_type() for part in message.walk()} >= {"text/plain", "text/html"}


def test_without_a_sender_the_invitation_is_kept_and_marked_unsent(
        people: People, caplog: pytest.LogCaptureFixture, smtp_server: Mailbox) -> None:
    previous = mailing.install_sender(None)
    try:
        with caplog.at_level(logging.ERROR), TestCase.captureOnCommitCallbacks(execute=True):
            invite_member(actor=people.facilitator, space=people.space,
                          email="nouvelle@exemple.qc.ca")
    finally:
        mailing.install_sender(previous)
    invitation = Invitation.objects.get(email="nouvelle@exemple.qc.ca")
    assert invitation.email_failed_at is not None
    assert "no mail sender installed" in caplog.text
    assert smtp_server.received == []
