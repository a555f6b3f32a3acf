"""The event log: one row per state change, numbered without gaps per stream.

A stream is either a space (every member sees every event) or one person (their own
notices). Exactly one of ``space`` and ``owner`` is set.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from communities.models.spaces import Space


class Event(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, null=True, related_name="events")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                              related_name="own_events")
    seq = models.BigIntegerField()
    kind = models.CharField(max_length=60)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              related_name="+")
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["space", "seq"], condition=Q(space__isnull=False),
                                    name="gapless_seq_per_space"),
            models.UniqueConstraint(fields=["owner", "seq"], condition=Q(owner__isnull=False),
                                    name="gapless_seq_per_person"),
            models.CheckConstraint(
                condition=Q(space__isnull=True, owner__isnull=False)
                | Q(space__isnull=False, owner__isnull=True),
                name="event_in_exactly_one_stream",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.seq}"
