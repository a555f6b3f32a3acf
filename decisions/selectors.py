"""Reads of decisions and action items: the register with its filters, and what a meeting or
a thread shows. Callers have already checked that the reader may see the space."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from communities.errors import NotFound
from communities.ids import storable_ids
from communities.models import Space, Thread, User
from decisions.models import ActionItem, ActionStatus, Decision
from decisions.services.validation import today
from meetings.models import Meeting

KINDS = ("decision", "action")


@dataclass(frozen=True)
class RegisterFilter:
    """What the register shows: "" means any. ``kind`` is "decision" or "action"; the other
    filters only apply to actions (a filter on status leaves the decisions out)."""

    kind: str = ""
    status: str = ""
    assignee_id: int | None = None
    overdue: bool = False

    @property
    def actions_only(self) -> bool:
        return bool(self.status or self.assignee_id or self.overdue)


def _decisions() -> QuerySet[Decision]:
    return Decision.objects.select_related("space", "recorded_by", "meeting", "thread")


def _actions() -> QuerySet[ActionItem]:
    return (ActionItem.objects.select_related("space", "created_by", "meeting", "thread")
            .prefetch_related(Prefetch("assignees", queryset=User.objects.order_by("pk"))))


def overdue_q(on: date | None = None) -> dict[str, object]:
    return {"due_on__lt": on or today(), "status__in": [ActionStatus.TODO, ActionStatus.DOING]}


def register(*, space: Space, filters: RegisterFilter) -> tuple[list[Decision], list[ActionItem]]:
    decisions: list[Decision] = []
    actions: list[ActionItem] = []
    if filters.kind in ("", "decision") and not filters.actions_only:
        decisions = list(_decisions().filter(space=space).order_by("-decided_on", "-pk"))
    if filters.kind in ("", "action"):
        found = _actions().filter(space=space)
        if filters.status:
            found = found.filter(status=filters.status)
        if filters.assignee_id:
            found = found.filter(assignees__pk=filters.assignee_id)
        if filters.overdue:
            found = found.filter(**overdue_q())
        actions = list(found.order_by("due_on", "pk"))
    return decisions, actions


def of_meeting(meeting: Meeting) -> tuple[list[Decision], list[ActionItem]]:
    return (list(_decisions().filter(meeting=meeting).order_by("pk")),
            list(_actions().filter(meeting=meeting).order_by("due_on", "pk")))


def of_thread(thread: Thread) -> tuple[list[Decision], list[ActionItem]]:
    return (list(_decisions().filter(thread=thread).order_by("pk")),
            list(_actions().filter(thread=thread).order_by("due_on", "pk")))


def decision_in(*, space: Space, decision_id: int) -> Decision | None:
    return _decisions().filter(space=space, pk=decision_id).first()


def action_in(*, space: Space, action_id: int) -> ActionItem | None:
    return _actions().filter(space=space, pk=action_id).first()


def is_overdue(action: ActionItem, *, on: date | None = None) -> bool:
    return action.status != ActionStatus.DONE and action.due_on < (on or today())


def source_in(*, space: Space, meeting_id: int | None, thread_id: int | None
              ) -> tuple[Meeting | None, Thread | None]:
    """The meeting or thread of ``space`` a record is said to come from; an id of another
    space's, or of nothing, answers as not found (the service refuses "neither or both")."""
    meeting = thread = None
    if meeting_id is not None:
        meeting = Meeting.objects.filter(space=space,
                                         pk__in=storable_ids([meeting_id])).first()
        if meeting is None:
            raise NotFound("not_found", _("Cette rencontre n'existe pas ou ne vous est pas "
                                          "accessible."))
    if thread_id is not None:
        thread = Thread.objects.filter(space=space, pk__in=storable_ids([thread_id])).first()
        if thread is None:
            raise NotFound("not_found", _("Ce fil n'existe pas ou ne vous est pas accessible."))
    return meeting, thread
