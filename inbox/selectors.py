"""Reads of the inbox: the page's items and the unread count (the bell)."""

from __future__ import annotations

from django.db.models import QuerySet

from communities.models import User
from inbox.access import visible_items
from inbox.models import InboxItem

PAGE_SIZE = 50


def unread_count(user: User) -> int:
    return visible_items(user).filter(read_at__isnull=True).count()


def latest_items(user: User, *, limit: int = PAGE_SIZE, unread_only: bool = False,
                 kinds: tuple[str, ...] = ()) -> list[InboxItem]:
    """Newest first, with their space and actor, in one query."""
    items: QuerySet[InboxItem] = visible_items(user).select_related("space", "actor")
    if unread_only:
        items = items.filter(read_at__isnull=True)
    if kinds:
        items = items.filter(kind__in=kinds)
    return list(items.order_by("-created_at", "-pk")[:limit])
