"""Who may do what in a space, as plain answers. Services refuse with these, selectors hide
with them and pages choose their controls with them, so a rule changes in one place. Other
apps build their own rules on these (``docs_store.access``, ``meetings.access``).

This module imports no other app of the project: everything above ``communities`` may ask it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from communities.errors import Conflict, Forbidden, NotFound
from communities.lookups import unique_row
from communities.models import MANAGING_ROLES, Membership, Role, Space, User


def is_platform_staff(user: User) -> bool:
    """Platform staff reach every space; a deactivated account keeps the flag but loses it."""
    return bool(user.is_active and user.is_staff)


def membership_of(*, user: User, space: Space) -> Membership | None:
    """The lookup every rule of a space starts from (one query, or none when the thread's
    reader just read it: see ``remember_membership``)."""
    if not user.is_authenticated:
        return None
    seen = getattr(space, "_membership_seen", None)
    if seen is not None and seen[0] == user.pk:
        return seen[1]  # type: ignore[no-any-return]
    return unique_row(Membership.objects.filter(user=user, space=space))


def remember_membership(*, user: User, space: Space, membership: Membership) -> None:
    """Keep a membership just read on this Space object (one request's), so the service it
    is handed to checks again without a second query."""
    space._membership_seen = (user.pk, membership)  # type: ignore[attr-defined]


def may_read_space(*, user: User, space_id: int) -> bool:
    """Staff, or any member: the test every read of a space goes through."""
    return is_platform_staff(user) or Membership.objects.filter(
        user=user, space_id=space_id).exists()


def require_member(*, user: User, space: Space) -> Membership | None:
    """The caller's membership; platform staff pass without one (returns None)."""
    membership = membership_of(user=user, space=space)
    if membership is None and not is_platform_staff(user):
        raise Forbidden("forbidden", _("Vous ne faites pas partie de cet espace."))
    return membership


def may_manage(membership: Membership | None, user: User) -> bool:
    """Staff, or the space's facilitators and admins: they moderate threads, invite, remove and
    change roles, organise meetings and read the activity report. Takes the membership the
    caller already fetched, so asking costs no query."""
    return is_platform_staff(user) or (
        membership is not None and membership.role in MANAGING_ROLES
    )


def require_manager(*, user: User, space: Space) -> Membership | None:
    """The membership of someone who runs the space (None for staff who are not members)."""
    membership = membership_of(user=user, space=space)
    if not may_manage(membership, user):
        raise Forbidden("forbidden", _("Seules les personnes qui animent ou administrent cet "
                                       "espace peuvent faire cela."))
    return membership


def may_grant(*, user: User, membership: Membership | None, role: str) -> bool:
    """Facilitators run the community; only a space admin (or staff) hands out admin rights."""
    if is_platform_staff(user):
        return True
    return membership is not None and (membership.role == Role.ADMIN or role != Role.ADMIN)


def require_writable(space: Space) -> None:
    """An archived committee is read-only: nothing is posted, uploaded or scheduled in it
    until it is unarchived. Reads the Space object the caller holds, so it costs no query."""
    if space.archived_at is not None:
        raise Conflict("archived", _("Ce comité est archivé : on peut le consulter, mais plus "
                                     "y publier, y déposer de documents ni y planifier de "
                                     "rencontres. L'animation de l'espace peut le désarchiver."))


def may_govern_committees(membership: Membership | None, user: User) -> bool:
    """The facilitators and admins of a space (and staff) create its committees, choose their
    members, show or hide them and archive them. Governing is not belonging: they read a
    committee's discussion, documents and meetings only once they are among its members."""
    return may_manage(membership, user)


def require_committee_governor(*, user: User, committee: Space) -> Membership | None:
    """The parent membership of someone who governs ``committee`` (None for staff)."""
    if committee.parent_id is None:
        raise NotFound("not_committee", _("Ce comité n'existe pas."))
    membership = membership_of(user=user, space=committee.parent)  # type: ignore[arg-type]
    if not may_govern_committees(membership, user):
        raise Forbidden("forbidden", _("Seules les personnes qui animent l'espace gèrent ses "
                                       "comités."))
    return membership


def may_see_committee(*, user: User, committee: Space, parent_membership: Membership | None,
                      member_of_committee: bool) -> bool:
    """Who learns that a committee exists (its name, never its content): its members, the
    space's facilitators who govern it, and the space's members when the facilitators made its
    existence visible. Everyone else gets nothing, not even its name."""
    if member_of_committee or is_platform_staff(user):
        return True
    if parent_membership is None:
        return False
    return committee.existence_visible or may_govern_committees(parent_membership, user)


def may_govern_committee(*, user: User, committee: Space) -> bool:
    """Whether a page offers the governing controls of a committee (the services ask again)."""
    if committee.parent_id is None:
        return False
    parent = committee.parent
    assert parent is not None
    return may_govern_committees(membership_of(user=user, space=parent), user)


# --- people: profiles, photos, addresses (Law 25: private unless a space is shared) ----------
def shares_a_space(*, viewer: User, person: User) -> bool:
    """Whether two people belong to at least one common space (one query)."""
    return Membership.objects.filter(
        user=person, space__memberships__user=viewer).exists()


def may_see_profile(*, viewer: User, person: User) -> bool:
    """A profile (name, photo, everything on it) is seen by its owner, by platform staff and by
    the people who share a space with the member; nobody else, and nothing without sign-in."""
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    if viewer.pk == person.pk or is_platform_staff(viewer):
        return True
    return person.is_active and shares_a_space(viewer=viewer, person=person)


def manages_a_space_of(*, viewer: User, person: User) -> bool:
    """Whether ``viewer`` runs a space ``person`` belongs to."""
    return Membership.objects.filter(
        user=person, space__memberships__user=viewer,
        space__memberships__role__in=MANAGING_ROLES).exists()


def may_see_email(*, viewer: User, person: User) -> bool:
    """Addresses are for the facilitators of the member's spaces and staff; other members of
    a shared space see it only if the member chose to show it."""
    if not may_see_profile(viewer=viewer, person=person):
        return False
    if viewer.pk == person.pk or is_platform_staff(viewer):
        return True
    return person.email_visible or manages_a_space_of(viewer=viewer, person=person)


def may_edit_profile(*, actor: User, person: User) -> bool:
    """One's own profile; staff correct anyone's."""
    return actor.is_authenticated and actor.is_active and (
        actor.pk == person.pk or is_platform_staff(actor))
