"""What email keeps, and for how long. Every digest leaves a few dozen join-back links, so
without pruning the table would grow by about 150,000 rows a week at 5,000 members.

Links are kept ``KEEP_DEAD_LINKS`` after they expire so that an old link still shows "this
link has expired" with the form that sends a fresh one to the same place; past that it is
"unknown" (whose form can still send a link to "my spaces"). Settled notifications are kept
as long, for the record of what was sent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from emails.models import JoinLink, Notification, NotificationState

KEEP_DEAD_LINKS = timedelta(days=30)
KEEP_SETTLED_NOTIFICATIONS = timedelta(days=30)


@dataclass(frozen=True)
class Pruned:
    links: int
    notifications: int


def prune(*, now: datetime | None = None) -> Pruned:
    now = now or timezone.now()
    links, _by_model = JoinLink.objects.filter(expires_at__lt=now - KEEP_DEAD_LINKS).delete()
    notifications, _by_model = Notification.objects.filter(
        state__in=[NotificationState.SENT, NotificationState.FOLDED, NotificationState.DROPPED],
        settled_at__lt=now - KEEP_SETTLED_NOTIFICATIONS,
    ).delete()
    return Pruned(links=links, notifications=notifications)
