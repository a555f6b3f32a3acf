"""Questions: a thread started as a question gets one reply marked as its answer."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.access import may_manage, require_member
from communities.errors import Forbidden, NotFound, ServiceError
from communities.events import emit
from communities.models import Message, Thread, User
from communities.serializers import person


def may_mark_answer(*, user: User, thread: Thread, may_moderate: bool) -> bool:
    """The person who asked, or whoever moderates the space (its facilitators, staff)."""
    return thread.is_question and (may_moderate or thread.author_id == user.pk)


def mark_answer(*, actor: User, thread: Thread, message_id: int | None) -> Thread:
    """Mark one reply of a question as its answer, or unmark it (``message_id`` None); the
    mark can move to another reply at any time."""
    membership = require_member(user=actor, space=thread.space)
    if not thread.is_question:
        raise ServiceError("not_a_question", _("Ce fil n'est pas une question : on ne peut pas "
                                               "y marquer de réponse."))
    if not may_mark_answer(user=actor, thread=thread,
                           may_moderate=may_manage(membership, actor)):
        raise Forbidden("forbidden", _("Seule la personne qui a posé la question, ou "
                                       "l'animation de l'espace, peut choisir la réponse."))
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        answer = None
        if message_id is not None:
            answer = Message.objects.filter(pk=message_id, thread=locked).first()
            if answer is None:
                raise NotFound("answer_unknown", _("Cette réponse n'existe pas dans ce fil."))
            if answer.deleted_at is not None:
                raise ServiceError("answer_deleted", _("Un message supprimé ne peut pas être "
                                                       "la réponse."))
            first = locked.messages.order_by("pk").values_list("pk", flat=True).first()
            if answer.pk == first:
                raise ServiceError("answer_is_question", _("La question elle-même ne peut pas "
                                                           "être sa réponse : choisissez une "
                                                           "réponse."))
        if locked.answer_id == (answer.pk if answer else None):
            return locked
        locked.answer = answer
        locked.answered_at = timezone.now() if answer is not None else None
        locked.save(update_fields=["answer", "answered_at"])
        emit(kind="question.answered", actor=actor, space=thread.space,
             data={"thread": thread.pk, "message": answer.pk if answer else None,
                   "by": person(actor)})
    thread.answer_id, thread.answered_at = locked.answer_id, locked.answered_at
    return locked
