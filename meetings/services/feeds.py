"""Personal calendar feeds: issue (or regenerate) and revoke the secret URL."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from communities.models import User
from communities.secrets import hash_secret, new_secret
from meetings.models import CalendarFeed


def issue_calendar_feed(*, actor: User) -> str:
    """Return a new secret token for the actor's feed; any earlier URL stops working. The
    token is shown once: only its hash is kept."""
    raw, digest = new_secret()
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(
            user=actor, defaults={"token_hash": digest, "created_at": timezone.now(),
                                  "last_used_at": None})
    return raw


def revoke_calendar_feed(*, actor: User) -> bool:
    """Turn the feed off. True when there was one."""
    deleted, _ = CalendarFeed.objects.filter(user=actor).delete()
    return deleted > 0


def user_for_feed_token(raw: str) -> User | None:
    """The active person a feed token belongs to, or None. Records the last use at most
    once an hour (calendar apps poll often)."""
    feed = (CalendarFeed.objects.select_related("user")
            .filter(token_hash=hash_secret(raw or "")).first())
    if feed is None or not feed.user.is_active:
        return None
    now = timezone.now()
    if feed.last_used_at is None or (now - feed.last_used_at).total_seconds() > 3600:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed.user
