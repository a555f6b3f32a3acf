"""JSON endpoints of committees and of questions' answers: parse, call a service, shape."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from communities import selectors
from communities.api import ErrorOut, PersonOut, SpaceSlug, ThreadOut, _user, bearer
from communities.errors import NotFound
from communities.models import Membership, Space, User
from communities.serializers import committee_data, person, thread_data
from communities.services import committees, questions

router = Router(auth=bearer)


class CommitteeOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    space: str | None
    existence_visible: bool
    archived: bool
    #: Whether the caller is among its members (and so may read it).
    is_member: bool = False


class NewCommittee(Schema):
    name: str
    description: str = ""
    #: Ids of members of the space; whoever creates the committee is added to it.
    members: list[int] = []
    existence_visible: bool = False


class MemberIds(Schema):
    members: list[int]


class Visibility(Schema):
    existence_visible: bool


class AnswerIn(Schema):
    #: The reply to mark as the answer, or null to unmark it.
    message: int | None = None


def _out(committee: Space, *, is_member: bool) -> dict[str, Any]:
    return {**committee_data(committee), "is_member": is_member}


def _governed_out(request: HttpRequest, committee: Space) -> dict[str, Any]:
    mine = Membership.objects.filter(space=committee, user=_user(request)).exists()
    return _out(committee, is_member=mine)


@router.get("/spaces/{slug}/committees", response={200: list[CommitteeOut], 404: ErrorOut},
            summary="Comités d'un espace / Committees of a space")
def list_committees(request: HttpRequest, slug: SpaceSlug) -> list[dict[str, Any]]:
    space = selectors.visible_space(user=_user(request), slug=slug)
    return [_out(c, is_member=c.is_member)  # type: ignore[attr-defined]
            for c in selectors.committees_seen_in(user=_user(request), space=space)]


@router.post("/spaces/{slug}/committees",
             response={201: CommitteeOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       409: ErrorOut},
             summary="Créer un comité / Create a committee")
def create_committee(request: HttpRequest, slug: SpaceSlug,
                     payload: NewCommittee) -> Status[dict[str, Any]]:
    space = selectors.visible_space(user=_user(request), slug=slug)
    committee = committees.create_committee(
        actor=_user(request), space=space, name=payload.name, description=payload.description,
        members=payload.members, existence_visible=payload.existence_visible)
    return Status(201, _out(committee, is_member=True))


@router.post("/committees/{slug}/members",
             response={200: list[PersonOut], 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Ajouter des membres au comité / Add committee members")
def add_members(request: HttpRequest, slug: SpaceSlug, payload: MemberIds) -> list[dict]:
    committee = selectors.governed_committee(user=_user(request), slug=slug)
    added = committees.add_committee_members(actor=_user(request), committee=committee,
                                             members=payload.members)
    return [person(u) for u in added]


@router.delete("/committees/{slug}/members/{user_id}",
               response={204: None, 403: ErrorOut, 404: ErrorOut},
               summary="Retirer un membre du comité / Remove a committee member")
def remove_member(request: HttpRequest, slug: SpaceSlug, user_id: int) -> Status[None]:
    committee = selectors.governed_committee(user=_user(request), slug=slug)
    member = User.objects.filter(pk=user_id).first()
    if member is None:
        raise NotFound("not_member", _("Cette personne ne fait pas partie du comité."))
    committees.remove_committee_member(actor=_user(request), committee=committee, member=member)
    return Status(204, None)


@router.post("/committees/{slug}/archive",
             response={200: CommitteeOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             summary="Archiver un comité / Archive a committee")
def archive(request: HttpRequest, slug: SpaceSlug) -> dict[str, Any]:
    committee = selectors.governed_committee(user=_user(request), slug=slug)
    done = committees.archive_committee(actor=_user(request), committee=committee)
    return _governed_out(request, done)


@router.post("/committees/{slug}/unarchive",
             response={200: CommitteeOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             summary="Désarchiver un comité / Unarchive a committee")
def unarchive(request: HttpRequest, slug: SpaceSlug) -> dict[str, Any]:
    committee = selectors.governed_committee(user=_user(request), slug=slug)
    done = committees.unarchive_committee(actor=_user(request), committee=committee)
    return _governed_out(request, done)


@router.post("/committees/{slug}/visibility",
             response={200: CommitteeOut, 403: ErrorOut, 404: ErrorOut},
             summary="Montrer ou cacher un comité / Show or hide a committee")
def visibility(request: HttpRequest, slug: SpaceSlug, payload: Visibility) -> dict[str, Any]:
    committee = selectors.governed_committee(user=_user(request), slug=slug)
    done = committees.set_committee_visibility(actor=_user(request), committee=committee,
                                               visible=payload.existence_visible)
    return _governed_out(request, done)


@router.post("/threads/{thread_id}/answer",
             response={200: ThreadOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Marquer la réponse d'une question / Mark a question's answer")
def mark_answer(request: HttpRequest, thread_id: int, payload: AnswerIn) -> dict[str, Any]:
    thread = selectors.visible_thread(user=_user(request), thread_id=thread_id)
    questions.mark_answer(actor=_user(request), thread=thread, message_id=payload.message)
    return thread_data(thread)
