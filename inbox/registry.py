"""Which committed events become inbox items, and how each kind of item is named.

Each app that has something to put in people's inboxes registers, in its
``AppConfig.ready()``, a handler per event kind: it receives every event of that kind
committed in one transaction and returns the items to add, reading what it needs in a
bounded number of queries for the whole batch (never one per recipient)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise

from communities.models import Event


@dataclass(frozen=True)
class NewItem:
    recipient_id: int
    kind: str
    space_id: int
    subject: str
    title: str
    target: str
    snippet: str = ""
    topic: str = ""
    actor_id: int | None = None
    occurs_at: datetime | None = None


Handler = Callable[[Sequence[Event]], Iterable[NewItem]]

# Event kind -> handlers, in registration order: an earlier handler's item wins when two
# handlers give the same person an item about the same subject (a mention that is a reply).
_handlers: dict[str, list[Handler]] = {}
_labels: dict[str, str | Promise] = {}


def register(event_kind: str, handler: Handler) -> None:
    handlers = _handlers.setdefault(event_kind, [])
    if handler not in handlers:
        handlers.append(handler)


def handlers_for(event_kind: str) -> list[Handler]:
    return list(_handlers.get(event_kind, ()))


def kinds() -> list[str]:
    """Event kinds with a handler, in registration order."""
    return list(_handlers)


def register_label(item_kind: str, label: str | Promise) -> None:
    """What the inbox page says an item of this kind is ("Mention", "Rencontre annulée")."""
    _labels[item_kind] = label


def label_of(item_kind: str) -> str:
    return str(_labels.get(item_kind, item_kind))
