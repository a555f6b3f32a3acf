"""A reply address nobody holds, or one that has expired, proves nothing about who wrote: the
platform never relays what such a mail says, and answers only a member whose own address sent
it and whom our MTA verified."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest
from django.utils import timezone

from replies.addresses import reply_address
from replies.inbound import receive_mail
from replies.models import ReplyAddress
from tests.replies.helpers import reply_mail

pytestmark = pytest.mark.django_db

STRANGERS_TEXT = "Votre compte sera fermé : confirmez ici https://hameconnage.example/connexion"
VERIFIED = {"Authentication-Results": "mx.espace.exemple; spf=pass smtp.mailfrom=exemple.qc.ca;"
                                      " dmarc=pass header.from=exemple.qc.ca"}


def _deliver(raw: bytes, recipient: str):  # type: ignore[no-untyped-def]
    [handled] = receive_mail(raw=raw, recipients=[recipient],
                             envelope_sender="noemie@exemple.qc.ca")
    return handled


def _every_part(message: EmailMessage) -> str:
    return "\n".join(str(part.get_content()) for part in message.walk()
                     if part.get_content_maintype() == "text")


def test_a_forged_member_sender_to_an_unknown_address_gets_no_answer(people, smtp_server):
    recipient = "reply+" + "q" * 52 + "@localhost"
    raw = reply_mail(sender="Noémie <noemie@exemple.qc.ca>", recipient=recipient,
                     body=STRANGERS_TEXT)

    handled = _deliver(raw, recipient)

    assert (handled.outcome, handled.reason) == ("dropped", "unknown_address")
    assert smtp_server.received == []


def test_a_verified_member_writing_to_an_unknown_address_is_told_without_their_text(
        people, smtp_server, settings):
    settings.REPLY_TRUSTED_AUTHSERV_IDS = ["mx.espace.exemple"]
    recipient = "reply+" + "r" * 52 + "@localhost"
    raw = reply_mail(sender="noemie@exemple.qc.ca", recipient=recipient, body=STRANGERS_TEXT,
                     headers=VERIFIED)

    handled = _deliver(raw, recipient)

    assert (handled.outcome, handled.reason) == ("bounced", "unknown_address")
    [answer] = smtp_server.wait_for(1)
    assert smtp_server.received[0].rcpt_tos == ["noemie@exemple.qc.ca"]
    text = _every_part(answer)
    assert "n'existe pas ou plus" in text
    assert "hameconnage" not in text and "confirmez ici" not in text


def test_an_untrusted_pass_does_not_verify_the_sender_of_an_unknown_address(
        people, smtp_server, settings):
    settings.REPLY_TRUSTED_AUTHSERV_IDS = ["mx.espace.exemple"]
    recipient = "reply+" + "s" * 52 + "@localhost"
    raw = reply_mail(sender="noemie@exemple.qc.ca", recipient=recipient, body=STRANGERS_TEXT,
                     headers={"Authentication-Results": "mx.ailleurs.example; dmarc=pass"})

    assert _deliver(raw, recipient).outcome == "dropped"
    assert smtp_server.received == []


def test_an_expired_address_is_answered_without_the_text_it_received(
        people, smtp_server):
    from tests.replies.helpers import discussion

    thread = discussion(author=people.facilitator, space=people.space)
    address = reply_address(user=people.member, thread=thread)
    ReplyAddress.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient=address, body=STRANGERS_TEXT)

    handled = _deliver(raw, address)

    assert (handled.outcome, handled.reason) == ("bounced", "expired_address")
    [answer] = smtp_server.wait_for(1)
    text = _every_part(answer)
    assert "a expiré" in text
    assert "hameconnage" not in text and "confirmez ici" not in text
