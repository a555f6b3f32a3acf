"""Reads the pages need beyond communities.selectors, shaped for templates."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from communities.errors import NotFound
from communities.models import Invitation, Membership, Space, Thread, User
from communities.selectors import membership_of, visible_space, visible_thread


def space_or_404(user: User, slug: str) -> Space:
    try:
        return visible_space(user=user, slug=slug)
    except NotFound as error:
        raise Http404(str(error.message)) from None


def thread_or_404(user: User, slug: str, thread_id: int) -> Thread:
    try:
        thread = visible_thread(user=user, thread_id=thread_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    # A thread is only reachable under its own space, so old or forged URLs do not alias it.
    if thread.space.slug != slug:
        raise Http404
    return thread


def may_manage(user: User, space: Space) -> tuple[Membership | None, bool]:
    """The person's membership and whether they may invite, remove and change roles."""
    membership = membership_of(user=user, space=space)
    allowed = (user.is_active and user.is_staff) or (
        membership is not None and membership.can_manage
    )
    return membership, allowed


def pending_invitations(space: Space) -> list[Invitation]:
    """Invitations not yet accepted nor expired, newest first (shown to facilitators only:
    they carry email addresses)."""
    return list(
        Invitation.objects.filter(space=space, accepted_at__isnull=True,
                                  expires_at__gt=timezone.now())
        .select_related("invited_by")
        .order_by("-created_at")
    )
