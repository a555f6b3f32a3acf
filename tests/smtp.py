"""A real SMTP server on loopback (aiosmtpd) that keeps every message it receives, parsed, and
the settings that make Django's SMTP backend deliver to it.

Use the ``smtp_server`` fixture: it points EMAIL_BACKEND at the server for the test and gives
the messages received, as ``email.message.EmailMessage`` (policy.default) with the envelope.
``refuse(count, reply)`` makes the server answer the next ``count`` messages with ``reply``
(e.g. "451 4.3.0 Try again later", or a 5xx for good) instead of accepting them.
"""

from __future__ import annotations

import email
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from tests.servers import free_port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes


@dataclass
class Mailbox:
    """What the loopback SMTP server received, in arrival order."""

    host: str
    port: int
    received: list[Received] = field(default_factory=list)
    #: Messages answered with a refusal, as (reply, recipients), in arrival order.
    refused: list[tuple[str, list[str]]] = field(default_factory=list)
    _refusals: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def refuse(self, count: int = 1, reply: str = "451 4.3.0 Try again later") -> None:
        with self._lock:
            self._refusals.extend([reply] * count)

    def next_refusal(self, rcpt_tos: list[str]) -> str | None:
        with self._lock:
            if not self._refusals:
                return None
            reply = self._refusals.pop(0)
            self.refused.append((reply, rcpt_tos))
            return reply

    def add(self, item: Received) -> None:
        with self._lock:
            self.received.append(item)

    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [item.message for item in self.received]

    def to(self, address: str) -> list[EmailMessage]:
        """Messages whose envelope names ``address`` (case-insensitive)."""
        wanted = address.lower()
        with self._lock:
            return [item.message for item in self.received
                    if wanted in (rcpt.lower() for rcpt in item.rcpt_tos)]

    def wait_for(self, count: int, timeout: float = 10) -> list[EmailMessage]:
        """Wait until at least ``count`` messages arrived; delivery happens on the server's
        thread, so a test that just sent may need a moment."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received) >= count:
                return self.messages()
            time.sleep(0.02)
        raise AssertionError(f"expected {count} messages, got {len(self.received)}")

    def clear(self) -> None:
        with self._lock:
            self.received.clear()
            self.refused.clear()
            self._refusals.clear()


class _Keeper:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        refusal = self.mailbox.next_refusal([str(r) for r in envelope.rcpt_tos])
        if refusal is not None:
            return refusal
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        self.mailbox.add(Received(mail_from=str(envelope.mail_from),
                                  rcpt_tos=[str(r) for r in envelope.rcpt_tos],
                                  message=parsed, raw=raw))
        return "250 Message accepted for delivery"


@pytest.fixture(scope="session")
def smtp_mailbox() -> Iterator[Mailbox]:
    port = free_port()
    mailbox = Mailbox(host="127.0.0.1", port=port)
    controller = Controller(_Keeper(mailbox), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(smtp_mailbox: Mailbox, settings: Any) -> Mailbox:
    """Django's SMTP backend pointed at the loopback server, with an empty mailbox."""
    smtp_mailbox.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_mailbox.host
    settings.EMAIL_PORT = smtp_mailbox.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    return smtp_mailbox
