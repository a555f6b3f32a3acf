"""What a message may carry besides its words, as the base app sees it.

Attachments are documents, and documents build on this app, so posting does not call them:
``docs_store`` installs its plug when it is ready, and posting, the message object and the
thread selector ask the plug. Without one, a message carries nothing, and asking it to carry
something is refused with a clear error, never dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any, Protocol

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from communities.errors import ServiceError
from communities.models import Message, Space, User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewFile:
    """A file uploaded while composing: it becomes an attachment in the same write as the
    message, or nothing at all."""

    file: IO[bytes]
    name: str


class Pending(Protocol):
    """One post's attachments, from before its transaction to after it."""

    def gather(self) -> None:
        """Inside the posting transaction, before the message: check what is attached and
        store the new files (a refusal raises ServiceError and refuses the whole post)."""

    def attach(self, message: Message) -> None:
        """Inside the transaction, once the message exists."""

    def abandon(self) -> None:
        """The post did not commit: take away whatever ``gather`` stored outside the
        database (rows went with the rollback)."""


class Plug(Protocol):
    def begin(self, *, actor: User, space: Space, ids: Sequence[object],
              files: Sequence[NewFile]) -> Pending:
        """Check the ids' form before any transaction (no query)."""

    def prefetch(self) -> Prefetch | None:
        """For lists of messages: their attachments in one query."""

    def cards(self, message: Message) -> list[dict[str, Any]]:
        """What the message shows of each attachment."""


class _Nothing:
    def gather(self) -> None:
        pass

    def attach(self, message: Message) -> None:
        pass

    def abandon(self) -> None:
        pass


_plug: Plug | None = None


def install(plug: Plug | None) -> Plug | None:
    """Make ``plug`` the one posting asks; returns the previous one."""
    global _plug
    previous, _plug = _plug, plug
    return previous


def begin(*, actor: User, space: Space, ids: Sequence[object],
          files: Sequence[NewFile] = ()) -> Pending:
    if _plug is not None:
        return _plug.begin(actor=actor, space=space, ids=ids, files=files)
    if ids or files:
        logger.error("a message came with attachments but none can be stored "
                     "(is 'docs_store' in INSTALLED_APPS?)")
        raise ServiceError("attachments_unavailable",
                           _("Les pièces jointes ne sont pas disponibles : retirez-les du "
                             "message pour publier."), status=503)
    return _Nothing()


def prefetch() -> list[Prefetch]:
    found = _plug.prefetch() if _plug is not None else None
    return [found] if found is not None else []


def cards(message: Message) -> list[dict[str, Any]]:
    return _plug.cards(message) if _plug is not None else []
