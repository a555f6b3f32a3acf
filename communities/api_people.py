"""JSON API v1: the member directory and profiles, by the same rules as the pages
(communities.access): only people who share a space with the caller, or everyone for staff;
addresses only where ``may_see_email`` allows; someone one may not see is "not found"."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from communities import directory, selectors
from communities.access import may_see_email, may_see_profile
from communities.api import ErrorOut, _user, bearer
from communities.errors import NotFound, ServiceError
from communities.ids import parse_id
from communities.models import User
from communities.photos import photo_path
from communities.text import is_storable, unstorable_text_error

router = Router(auth=bearer)
MAX_LIMIT = 100
#: Past it there is nobody left to list, and a huge number would overflow OFFSET.
MAX_OFFSET = 100_000


class ProfileOut(Schema):
    id: int
    display_name: str
    #: The name with what tells namesakes apart beside it.
    label: str
    organisation: str
    title: str
    municipality: str
    mrc: str
    region: str
    kind: str
    bio: str
    expertise: list[str]
    #: Path of the photo (same rules as the profile), or null: then show the initials.
    photo_url: str | None
    initials: str
    #: Only when the caller may see it (facilitators, staff, or the member chose to show it).
    email: str | None


class DirectoryPage(Schema):
    people: list[ProfileOut]
    total: int


def person_out(viewer: User, person: User) -> dict[str, Any]:
    return {
        "id": person.pk, "display_name": person.display_name, "label": person.label,
        "organisation": person.organisation, "title": person.title,
        "municipality": person.municipality, "mrc": person.mrc, "region": person.region,
        "kind": person.kind, "bio": person.bio,
        "expertise": [tag.name for tag in person.expertise.all()],
        "photo_url": photo_path(person) or None, "initials": person.initials,
        "email": person.email if may_see_email(viewer=viewer, person=person) else None,
    }


@router.get("/people", response={200: DirectoryPage, 400: ErrorOut, 404: ErrorOut},
            summary="Annuaire des membres / Member directory")
def list_people(request: HttpRequest, q: str = "", region: str = "", kind: str = "",
                organisation: str = "", expertise: str = "", space: str = "",
                offset: int = 0, limit: int = 50) -> dict[str, Any]:
    viewer = _user(request)
    if not all(is_storable(text) for text in (q, region, kind, organisation, space)):
        raise unstorable_text_error()
    if not 0 <= offset <= MAX_OFFSET or not 1 <= limit <= MAX_LIMIT:
        raise ServiceError("invalid", _("« offset » doit être entre 0 et %(offset)s et « limit » "
                                        "entre 1 et %(max)s.")
                           % {"offset": MAX_OFFSET, "max": MAX_LIMIT})
    tag = parse_id(expertise) if expertise else None
    if expertise and tag is None:
        raise ServiceError("invalid", _("« expertise » doit être le numéro d'un domaine."))
    scope = selectors.visible_space(user=viewer, slug=space) if space else None
    filters = directory.Filters(q=q, region=region, kind=kind, organisation=organisation,
                                expertise=tag)
    found = directory.find_people(viewer, filters, scope)
    people = list(found[offset:offset + limit])
    return {"people": [person_out(viewer, p) for p in people], "total": found.count()}


@router.get("/people/{user_id}", response={200: ProfileOut, 404: ErrorOut},
            summary="Profil d'un membre / A member's profile")
def read_person(request: HttpRequest, user_id: str) -> dict[str, Any]:
    viewer = _user(request)
    pk = parse_id(user_id)
    person = (User.objects.prefetch_related("expertise").filter(pk=pk).first()
              if pk is not None else None)
    if person is None or not may_see_profile(viewer=viewer, person=person):
        raise NotFound("not_found", _("Cette personne n'existe pas ou ne vous est pas "
                                      "accessible."))
    return person_out(viewer, person)
