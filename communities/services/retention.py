"""Pruning the event log. Clients that resume from before the pruned range get ``resync``."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Max

from communities.models import Event, Space


def prune_events(*, before: datetime) -> int:
    """Delete space events older than ``before`` and raise each space's floor to match.
    The floor moves in the same transaction as the deletion, so a subscriber never sees a
    silent hole: either the events are there or the floor says they are gone."""
    deleted_total = 0
    for space_id in Space.objects.values_list("pk", flat=True):
        with transaction.atomic():
            space = Space.objects.select_for_update().get(pk=space_id)
            newest_old = (
                Event.objects.filter(space=space, created_at__lt=before)
                .aggregate(top=Max("seq"))["top"]
            )
            if newest_old is None or newest_old <= space.event_floor:
                continue
            deleted, _ = Event.objects.filter(space=space, seq__lte=newest_old).delete()
            Space.objects.filter(pk=space.pk).update(event_floor=newest_old)
            deleted_total += deleted
    return deleted_total
