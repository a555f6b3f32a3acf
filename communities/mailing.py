"""Outgoing mail as the base app sees it: a message to write, handed to whoever sends mail.

Every email of the product is built and sent by one path, ``emails.outgoing`` (Message-ID,
Date, From, the recipient's language, text and HTML parts). That app builds on this one, so
it installs its sender here when it is ready instead of this app importing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from communities.models import User


@dataclass(frozen=True)
class Mail:
    to: str
    #: ``<name>.txt`` (and ``<name>.html`` when it exists), rendered in the reader's language.
    template: str
    #: Called with the reader's language active, so the subject is in it too.
    subject: Callable[[], str]
    context: dict[str, Any] = field(default_factory=dict)
    #: Whose language to write in; None (no account yet) is French.
    reader: User | None = None


Sender = Callable[[Mail], None]

_sender: Sender | None = None


def install_sender(sender: Sender | None) -> Sender | None:
    """Make ``sender`` the one every mail of this app goes through; returns the previous one."""
    global _sender
    previous, _sender = _sender, sender
    return previous


def send(mail: Mail) -> None:
    """Send now. Raises when nothing can send (``emails`` missing from INSTALLED_APPS), like a
    mail server that refuses: callers already record and log that."""
    if _sender is None:
        raise RuntimeError("no mail sender installed (is 'emails' in INSTALLED_APPS?)")
    _sender(mail)
