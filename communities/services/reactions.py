"""Reactions: a small set of emoji, toggled, with who reacted."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.access import require_member
from communities.errors import ServiceError
from communities.events import emit
from communities.models import Event, Message, Reaction, User
from communities.serializers import person

#: The set offered everywhere; anything else is refused.
EMOJI = ("👍", "❤️", "😄", "🎉", "🙏", "👀", "💡")
KINDS = ("reaction.added", "reaction.removed")


def toggle_reaction(*, actor: User, message: Message, emoji: str) -> bool:
    """Add the reaction if the person has not made it yet, else take it back. Returns True
    when it was added."""
    require_member(user=actor, space=message.thread.space)
    if emoji not in EMOJI:
        raise ServiceError("invalid_emoji", _("Réaction inconnue. Choisissez parmi : "
                                              "%(choices)s") % {"choices": " ".join(EMOJI)})
    if message.deleted_at is not None:
        raise ServiceError("deleted", _("Ce message a été supprimé."))
    _check_rate(actor)
    data = {"message": message.pk, "thread": message.thread_id, "emoji": emoji,
            "user": person(actor)}
    try:
        with transaction.atomic():
            removed, _details = Reaction.objects.filter(message=message, user=actor,
                                                        emoji=emoji).delete()
            if removed:
                emit(kind="reaction.removed", actor=actor, space=message.thread.space,
                     data=data)
                return False
            Reaction.objects.create(message=message, user=actor, emoji=emoji)
            emit(kind="reaction.added", actor=actor, space=message.thread.space, data=data)
            return True
    except IntegrityError:
        # A double click raced with itself; the first one already added it.
        return True


def _check_rate(actor: User) -> None:
    """Refuse a toggle beyond REACTION_RATE_LIMIT per person per minute (0 = no limit). The
    event log is the count: a reaction taken back leaves no row, but its event stays."""
    limit = settings.REACTION_RATE_LIMIT
    if not limit:
        return
    recent = Event.objects.filter(
        actor=actor, kind__in=KINDS, created_at__gte=timezone.now() - timedelta(minutes=1)
    ).count()
    if recent >= limit:
        raise ServiceError("rate_limited",
                           _("Vous réagissez trop vite : attendez une minute avant de réagir "
                             "de nouveau (au plus %(n)s réactions par minute).")
                           % {"n": limit}, status=429)
