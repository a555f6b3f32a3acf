"""JSON API for decisions and action items: parse, call a service or selector, shape the
answer. Dates are ISO days (America/Toronto)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from communities import selectors as space_selectors
from communities.api import ErrorOut, PersonOut, SpaceSlug, bearer
from communities.errors import NotFound
from communities.ids import LARGEST_ID
from communities.models import Space, User
from decisions import selectors
from decisions.models import ActionItem, Decision
from decisions.serializers import action_data, decision_data
from decisions.services import records

router = Router(auth=bearer, tags=["decisions"])

#: An id as a client may send it: bounded, so a huge number is a 422 rather than a 500.
OptionalId = Annotated[int | None, Field(gt=0, le=LARGEST_ID)]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _space(request: HttpRequest, slug: str) -> Space:
    return space_selectors.visible_space(user=_user(request), slug=slug)


def _decision(request: HttpRequest, slug: str, decision_id: int) -> Decision:
    found = selectors.decision_in(space=_space(request, slug), decision_id=decision_id)
    if found is None:
        raise NotFound("not_found", _("Cette décision n'existe pas ou ne vous est pas "
                                      "accessible."))
    return found


def _action(request: HttpRequest, slug: str, action_id: int) -> ActionItem:
    found = selectors.action_in(space=_space(request, slug), action_id=action_id)
    if found is None:
        raise NotFound("not_found", _("Cette action n'existe pas ou ne vous est pas "
                                      "accessible."))
    return found


class SourceOut(Schema):
    kind: str
    id: int
    url: str


class DecisionOut(Schema):
    id: int
    text: str
    decided_on: str
    source: SourceOut
    recorded_by: PersonOut | None
    created_at: str
    updated_at: str


class ActionOut(Schema):
    id: int
    what: str
    assignees: list[PersonOut]
    due_on: str
    status: str
    source: SourceOut
    created_by: PersonOut | None
    created_at: str
    updated_at: str


class NewDecision(Schema):
    text: str
    decided_on: date
    meeting: OptionalId = None
    thread: OptionalId = None


class DecisionChange(Schema):
    text: str
    decided_on: date


class NewAction(Schema):
    what: str
    assignees: list[int] = Field(max_length=100)
    due_on: date
    meeting: OptionalId = None
    thread: OptionalId = None


class ActionChange(Schema):
    what: str
    assignees: list[int] = Field(max_length=100)
    due_on: date


class StatusIn(Schema):
    status: Literal["todo", "doing", "done"]


_WRITE = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.get("/spaces/{slug}/decisions", response={200: list[DecisionOut], 404: ErrorOut},
            summary="Décisions d'un espace / Decisions of a space")
def list_decisions(request: HttpRequest, slug: SpaceSlug) -> list[dict[str, Any]]:
    found, _actions = selectors.register(space=_space(request, slug),
                                         filters=selectors.RegisterFilter(kind="decision"))
    return [decision_data(d) for d in found]


@router.post("/spaces/{slug}/decisions", response={201: DecisionOut, **_WRITE},
             summary="Consigner une décision / Record a decision")
def record_decision(request: HttpRequest, slug: SpaceSlug,
                    payload: NewDecision) -> Status[dict[str, Any]]:
    space = _space(request, slug)
    meeting, thread = selectors.source_in(space=space, meeting_id=payload.meeting,
                                          thread_id=payload.thread)
    decision = records.record_decision(actor=_user(request), space=space, text=payload.text,
                                       decided_on=payload.decided_on, meeting=meeting,
                                       thread=thread)
    return Status(201, decision_data(decision))


@router.put("/spaces/{slug}/decisions/{decision_id}", response={200: DecisionOut, **_WRITE},
            summary="Modifier une décision / Edit a decision")
def edit_decision(request: HttpRequest, slug: SpaceSlug, decision_id: int,
                  payload: DecisionChange) -> dict[str, Any]:
    decision = records.edit_decision(actor=_user(request),
                                      decision=_decision(request, slug, decision_id),
                                      text=payload.text, decided_on=payload.decided_on)
    return decision_data(decision)


@router.delete("/spaces/{slug}/decisions/{decision_id}", response={204: None, **_WRITE},
               summary="Supprimer une décision / Delete a decision")
def delete_decision(request: HttpRequest, slug: SpaceSlug,
                    decision_id: int) -> Status[None]:
    records.delete_decision(actor=_user(request), decision=_decision(request, slug, decision_id))
    return Status(204, None)


@router.get("/spaces/{slug}/actions", response={200: list[ActionOut], 404: ErrorOut},
            summary="Actions d'un espace / Action items of a space")
def list_actions(request: HttpRequest, slug: SpaceSlug,
                 status: Literal["", "todo", "doing", "done"] = "",
                 assignee: OptionalId = None, overdue: bool = False) -> list[dict[str, Any]]:
    _decisions, found = selectors.register(
        space=_space(request, slug),
        filters=selectors.RegisterFilter(kind="action", status=status, assignee_id=assignee,
                                         overdue=overdue))
    return [action_data(a) for a in found]


@router.post("/spaces/{slug}/actions", response={201: ActionOut, **_WRITE},
             summary="Créer une action / Create an action item")
def create_action(request: HttpRequest, slug: SpaceSlug,
                  payload: NewAction) -> Status[dict[str, Any]]:
    space = _space(request, slug)
    meeting, thread = selectors.source_in(space=space, meeting_id=payload.meeting,
                                          thread_id=payload.thread)
    action = records.create_action(actor=_user(request), space=space, what=payload.what,
                                   assignee_ids=payload.assignees, due_on=payload.due_on,
                                   meeting=meeting, thread=thread)
    return Status(201, action_data(action))


@router.put("/spaces/{slug}/actions/{action_id}", response={200: ActionOut, **_WRITE},
            summary="Modifier une action / Edit an action item")
def update_action(request: HttpRequest, slug: SpaceSlug, action_id: int,
                  payload: ActionChange) -> dict[str, Any]:
    action = records.update_action(actor=_user(request),
                                   action=_action(request, slug, action_id), what=payload.what,
                                   assignee_ids=payload.assignees, due_on=payload.due_on)
    return action_data(action)


@router.post("/spaces/{slug}/actions/{action_id}/status", response={200: ActionOut, **_WRITE},
             summary="Changer l'état d'une action / Change an action item's status")
def change_status(request: HttpRequest, slug: SpaceSlug, action_id: int,
                  payload: StatusIn) -> dict[str, Any]:
    action = records.change_action_status(actor=_user(request),
                                          action=_action(request, slug, action_id),
                                          status=payload.status)
    return action_data(action)


@router.delete("/spaces/{slug}/actions/{action_id}", response={204: None, **_WRITE},
               summary="Supprimer une action / Delete an action item")
def delete_action(request: HttpRequest, slug: SpaceSlug, action_id: int) -> Status[None]:
    records.delete_action(actor=_user(request), action=_action(request, slug, action_id))
    return Status(204, None)
