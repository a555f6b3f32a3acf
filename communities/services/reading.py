"""Where each member is in each thread."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from communities.access import require_member
from communities.events import emit
from communities.models import Message, ReadPosition, Thread, User


def mark_read(*, actor: User, thread: Thread, up_to: int) -> int:
    """Record that the member has read the thread up to message ``up_to`` (never backwards)
    and tell their other devices through their personal stream. Returns the position."""
    require_member(user=actor, space=thread.space)
    last_id = (Message.objects.filter(thread=thread, pk__lte=up_to)
               .order_by("-pk").values_list("pk", flat=True).first()) or 0
    with transaction.atomic():
        position, _created = ReadPosition.objects.select_for_update().get_or_create(
            user=actor, thread=thread
        )
        if last_id <= position.last_read_message:
            return position.last_read_message
        position.last_read_message = last_id
        position.updated_at = timezone.now()
        position.save(update_fields=["last_read_message", "updated_at"])
        unread = (Message.objects.filter(thread=thread, pk__gt=last_id, deleted_at__isnull=True)
                  .exclude(author=actor).count())
        emit(kind="read.updated", actor=actor, owner=actor,
             data={"space": thread.space.slug, "thread": thread.pk,
                   "last_read_message": last_id, "unread": unread})
    return last_id
