"""Reads that are more than a one-liner, and the permission lookups services share."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from communities.errors import Forbidden, NotFound
from communities.models import Event, Membership, Space, Thread, User


def membership_of(*, user: User, space: Space) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, space=space).first()


def require_member(*, user: User, space: Space) -> Membership | None:
    """The caller's membership; platform staff pass without one (returns None)."""
    membership = membership_of(user=user, space=space)
    if membership is None and not (user.is_active and user.is_staff):
        raise Forbidden("forbidden", _("Vous ne faites pas partie de cet espace."))
    return membership


def visible_space(*, user: User, slug: str) -> Space:
    """A space the user may read. Non-members get the same answer as for a space that does not
    exist, so private spaces do not leak their names."""
    space = Space.objects.filter(slug=slug).first()
    if space is None or (
        not (user.is_active and user.is_staff)
        and not Membership.objects.filter(user=user, space=space).exists()
    ):
        raise NotFound("not_found", _("Cet espace n'existe pas ou ne vous est pas accessible."))
    return space


def visible_thread(*, user: User, thread_id: int) -> Thread:
    thread = Thread.objects.select_related("space").filter(pk=thread_id).first()
    if thread is None or (
        not (user.is_active and user.is_staff)
        and not Membership.objects.filter(user=user, space_id=thread.space_id).exists()
    ):
        raise NotFound("not_found", _("Ce fil n'existe pas ou ne vous est pas accessible."))
    return thread


def spaces_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("space").order_by("space__name")


def threads_of(space: Space) -> QuerySet[Thread]:
    return space.threads.select_related("author").order_by("-last_activity_at")


def messages_of(thread: Thread) -> QuerySet:
    return thread.messages.select_related("author", "thread").order_by("created_at", "id")


def members_of(space: Space) -> QuerySet[Membership]:
    return space.memberships.select_related("user").order_by("user__display_name")


def events_after(*, space: Space, after: int, limit: int) -> list[Event]:
    return list(
        Event.objects.filter(space=space, seq__gt=after).order_by("seq")[:limit]
    )
