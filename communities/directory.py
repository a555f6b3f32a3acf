"""The member directory: the people someone may see (those who share a space with them, or
everyone for staff), searched and filtered. Reads only.

Name search is accent- and case-insensitive on every database: the query is folded the way
``User.search_name`` was (communities.mentions.fold), so "Bélanger", "belanger" and
"BELANGER" all find the same person with a plain LIKE, on PostgreSQL as on SQLite."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from communities.access import is_platform_staff
from communities.mentions import fold
from communities.models import MANAGING_ROLES, ExpertiseTag, Membership, Space, User

PAGE_SIZE = 24
MAX_QUERY_CHARS = 120
MAX_WORDS = 6


@dataclass(frozen=True)
class Filters:
    q: str = ""
    region: str = ""
    kind: str = ""
    organisation: str = ""
    expertise: int | None = None

    @property
    def any(self) -> bool:
        return bool(self.q or self.region or self.kind or self.organisation or self.expertise)


def visible_people(viewer: User, space: Space | None = None) -> QuerySet[User]:
    """Active people ``viewer`` may see: the members of ``space`` (the caller has checked that
    the viewer may read it), or of every space the viewer belongs to (staff: every member of
    every space)."""
    people = User.objects.filter(is_active=True)
    if space is not None:
        return people.filter(Exists(Membership.objects.filter(user=OuterRef("pk"),
                                                              space=space)))
    if is_platform_staff(viewer):
        return people.filter(Exists(Membership.objects.filter(user=OuterRef("pk"))))
    shared = Membership.objects.filter(user=OuterRef("pk"),
                                       space__memberships__user=viewer)
    return people.filter(Exists(shared))


def search_words(q: str) -> list[str]:
    return fold(q[:MAX_QUERY_CHARS]).split()[:MAX_WORDS]


def find_people(viewer: User, filters: Filters, space: Space | None = None) -> QuerySet[User]:
    people = visible_people(viewer, space)
    for word in search_words(filters.q):
        people = people.filter(search_name__contains=word)
    if filters.region:
        people = people.filter(region=filters.region)
    if filters.kind:
        people = people.filter(kind=filters.kind)
    if filters.organisation:
        people = people.filter(organisation=filters.organisation)
    if filters.expertise:
        people = people.filter(expertise=filters.expertise)
    return (people.distinct().prefetch_related("expertise")
            .order_by("display_name", "pk"))


def organisations(viewer: User, space: Space | None = None) -> list[str]:
    """The organisations among the people ``viewer`` may see, for the filter's choices."""
    return list(visible_people(viewer, space).exclude(organisation="")
                .order_by("organisation").values_list("organisation", flat=True).distinct())


def expertise_choices(viewer: User, space: Space | None = None) -> list[ExpertiseTag]:
    """The staff's list, and the free tags of the people ``viewer`` may see."""
    seen = visible_people(viewer, space)
    return list(ExpertiseTag.objects.filter(Q(listed=True) | Q(people__in=seen))
                .distinct().order_by("name"))


def search_people(viewer: User, q: str, space: Space | None = None,
                  limit: int = 6) -> list[User]:
    """People for the global search: by name or organisation, among those one may see (the
    members of ``space`` when the search is narrowed to it)."""
    if not viewer.is_authenticated or not viewer.is_active or not search_words(q):
        return []
    return list(find_people(viewer, Filters(q=q), space)[:limit])


def visible_emails(viewer: User, people: list[User]) -> dict[int, str]:
    """The addresses ``viewer`` may see among ``people`` (already known visible), by the rule
    of ``access.may_see_email``, in one query for a whole page of cards."""
    if is_platform_staff(viewer):
        return {person.pk: person.email for person in people}
    managed = set(Membership.objects.filter(
        user__in=[p.pk for p in people], space__memberships__user=viewer,
        space__memberships__role__in=MANAGING_ROLES).values_list("user_id", flat=True))
    return {person.pk: person.email for person in people
            if person.pk == viewer.pk or person.email_visible or person.pk in managed}
