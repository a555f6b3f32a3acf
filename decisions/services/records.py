"""Record, edit and delete decisions and action items. Every change is one transaction with
its event on the space's stream (published after commit)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import NotFound, ServiceError
from communities.events import emit
from communities.models import Space, Thread, User
from communities.serializers import person
from decisions import access
from decisions.models import ActionItem, ActionStatus, Decision
from decisions.serializers import action_data, assignee_ids_of, decision_data
from decisions.services import validation
from meetings.models import Meeting


def _check_source(*, space: Space, meeting: Meeting | None, thread: Thread | None) -> None:
    if (meeting is None) == (thread is None):
        raise ServiceError("invalid_source", _("Une décision ou un suivi vient d'une rencontre "
                                               "ou d'un fil de discussion, d'un seul."))
    source = meeting if meeting is not None else thread
    assert source is not None
    if source.space_id != space.pk:
        raise NotFound("not_found", _("Cette rencontre ou ce fil n'existe pas dans cet espace."))
    if meeting is not None and Meeting.objects.filter(pk=meeting.pk,
                                                      cancelled_at__isnull=False).exists():
        raise ServiceError("meeting_cancelled", _("Cette rencontre a été annulée : rien n'y a "
                                                  "été décidé."))


def record_decision(*, actor: User, space: Space, text: str, decided_on: date,
                    meeting: Meeting | None = None, thread: Thread | None = None) -> Decision:
    _check_source(space=space, meeting=meeting, thread=thread)
    access.require_recorder(actor=actor, space=space, from_meeting=meeting is not None)
    text = validation.clean_text(text)
    validation.check_decided_on(decided_on)
    now = timezone.now()
    with transaction.atomic():
        decision = Decision.objects.create(space=space, text=text, decided_on=decided_on,
                                           meeting=meeting, thread=thread, recorded_by=actor,
                                           created_at=now, updated_at=now)
        emit(kind="decision.recorded", actor=actor, space=space,
             data={"decision": decision_data(decision)})
    return decision


def edit_decision(*, actor: User, decision: Decision, text: str, decided_on: date) -> Decision:
    access.require_editor(actor=actor, space=decision.space, author_id=decision.recorded_by_id)
    text = validation.clean_text(text)
    validation.check_decided_on(decided_on)
    if (text, decided_on) == (decision.text, decision.decided_on):
        return decision  # saved unchanged (a form sent as it came): nothing to tell anyone
    with transaction.atomic():
        decision.text, decision.decided_on = text, decided_on
        decision.updated_at = timezone.now()
        decision.save(update_fields=["text", "decided_on", "updated_at"])
        emit(kind="decision.edited", actor=actor, space=decision.space,
             data={"decision": decision_data(decision), "by": person(actor)})
    return decision


def delete_decision(*, actor: User, decision: Decision) -> None:
    access.require_deleter(actor=actor, space=decision.space)
    with transaction.atomic():
        emit(kind="decision.deleted", actor=actor, space=decision.space,
             data={"decision": {"id": decision.pk}, "by": person(actor)})
        decision.delete()


def create_action(*, actor: User, space: Space, what: str, assignee_ids: Collection[int],
                  due_on: date, meeting: Meeting | None = None,
                  thread: Thread | None = None) -> ActionItem:
    _check_source(space=space, meeting=meeting, thread=thread)
    access.require_recorder(actor=actor, space=space, from_meeting=meeting is not None)
    what = validation.clean_what(what)
    validation.check_due_on(due_on)
    assignees = validation.assignees_of(space=space, user_ids=assignee_ids)
    now = timezone.now()
    with transaction.atomic():
        action = ActionItem.objects.create(space=space, what=what, due_on=due_on,
                                           meeting=meeting, thread=thread, created_by=actor,
                                           created_at=now, updated_at=now)
        action.assignees.set(assignees)
        emit(kind="action.created", actor=actor, space=space,
             data={"action": action_data(action), "assignee_ids": assignee_ids_of(action)})
    return action


def update_action(*, actor: User, action: ActionItem, what: str,
                  assignee_ids: Collection[int], due_on: date) -> ActionItem:
    access.require_editor(actor=actor, space=action.space, author_id=action.created_by_id)
    what = validation.clean_what(what)
    assignees = validation.assignees_of(space=action.space, user_ids=assignee_ids)
    if due_on != action.due_on:
        # An unchanged due date may have passed meanwhile; only a new one must be ahead.
        validation.check_due_on(due_on)
    changes = []
    if what != action.what:
        changes.append("what")
    if due_on != action.due_on:
        changes.append("due_on")
    if {u.pk for u in assignees} != set(assignee_ids_of(action)):
        changes.append("assignees")
    if not changes:
        return action
    with transaction.atomic():
        action.what, action.due_on = what, due_on
        action.updated_at = timezone.now()
        if "due_on" in changes:
            action.overdue_flagged_at = None  # a new due date may become overdue in its turn
        action.save(update_fields=["what", "due_on", "updated_at", "overdue_flagged_at"])
        action.assignees.set(assignees)
        emit(kind="action.updated", actor=actor, space=action.space,
             data={"action": action_data(action), "assignee_ids": assignee_ids_of(action),
                   "changes": changes, "by": person(actor)})
    return action


def change_action_status(*, actor: User, action: ActionItem, status: str) -> ActionItem:
    validation.check_status(status)
    with transaction.atomic():
        # Locked so two people moving it at once each see the status the other left.
        action = (ActionItem.objects.select_for_update().select_related("space")
                  .get(pk=action.pk))
        assignee_ids = assignee_ids_of(action)
        access.require_status_changer(actor=actor, space=action.space,
                                      assignee_ids=set(assignee_ids))
        previous = action.status
        if previous == status:
            return action
        action.status = status
        action.updated_at = timezone.now()
        action.save(update_fields=["status", "updated_at"])
        emit(kind="action.status_changed", actor=actor, space=action.space,
             data={"action": action_data(action), "assignee_ids": assignee_ids,
                   "status": status, "previous_status": previous, "by": person(actor)})
    return action


def delete_action(*, actor: User, action: ActionItem) -> None:
    access.require_deleter(actor=actor, space=action.space)
    with transaction.atomic():
        emit(kind="action.deleted", actor=actor, space=action.space,
             data={"action": {"id": action.pk}, "assignee_ids": assignee_ids_of(action),
                   "by": person(actor)})
        action.delete()


__all__ = ["ActionStatus", "change_action_status", "create_action", "delete_action",
           "delete_decision", "edit_decision", "record_decision", "update_action"]
