"""What the app shell around every page needs: the member's spaces with their unread and
mention counts, the next meeting, and, on a page of a space, whether the visitor runs it (so
the space tabs are the same on every page of a space, whatever the view put in its context).

Everything is lazy: a page that never draws the shell (a redirect, a JSON answer, the sign-in
page) costs no query, and a page that does costs two: the spaces with their unread and
mention counts, and the next meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property

from communities.access import is_platform_staff
from communities.models import MANAGING_ROLES, Membership, Message, ReadPosition, User
from emails.models import Notification, NotificationReason
from meetings.models import Meeting


@dataclass(frozen=True)
class ShellSpace:
    slug: str
    name: str
    unread: int
    mentions: int
    manages: bool


@dataclass(frozen=True)
class NextMeeting:
    slug: str
    space_name: str
    pk: int
    title: str
    starts_at: datetime


class Shell:
    """Read once per request, on first use by a template."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.user: User = request.user  # type: ignore[assignment]

    @cached_property
    def spaces(self) -> list[ShellSpace]:
        """One query: each membership with its unread and unread-mention counts as
        correlated subqueries (the same rules as communities.selectors.unread_per_space)."""
        user = self.user
        thread_position = ReadPosition.objects.filter(
            user=user, thread_id=OuterRef("thread_id")).values("last_read_message")[:1]
        mentions = (
            Notification.objects.filter(user=user, space=OuterRef("space"),
                                        reason=NotificationReason.MENTION)
            .annotate(read_up_to=Coalesce(Subquery(thread_position), Value(0)))
            .filter(message_id__gt=F("read_up_to"))
            .values("space").annotate(n=Count("pk")).values("n")[:1]
        )
        unread = (
            Message.objects.filter(thread__space=OuterRef("space"), deleted_at__isnull=True,
                                   created_at__gt=OuterRef("joined_at"))
            .exclude(author=user)
            .annotate(read_up_to=Coalesce(Subquery(thread_position), Value(0)))
            .filter(pk__gt=F("read_up_to"))
            .values("thread__space").annotate(n=Count("pk")).values("n")[:1]
        )
        rows = (
            Membership.objects.filter(user=user)
            .annotate(mentions=Coalesce(Subquery(mentions, output_field=IntegerField()),
                                        Value(0)),
                      unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))
            .order_by("space__name")
            .values_list("space__slug", "space__name", "role", "unread", "mentions")
        )
        return [ShellSpace(slug=slug, name=name, unread=unread_count, mentions=mention_count,
                           manages=role in MANAGING_ROLES)
                for slug, name, role, unread_count, mention_count in rows]

    @cached_property
    def unread_total(self) -> int:
        return sum(space.unread for space in self.spaces)

    @cached_property
    def next_meeting(self) -> NextMeeting | None:
        row = (
            Meeting.objects.filter(space__memberships__user=self.user, cancelled_at__isnull=True,
                                   ends_at__gt=timezone.now())
            .order_by("starts_at")
            .values_list("space__slug", "space__name", "pk", "title", "starts_at")
            .first()
        )
        return NextMeeting(*row) if row else None

    @cached_property
    def current_slug(self) -> str | None:
        match = self.request.resolver_match
        slug = match.kwargs.get("slug") if match else None
        return slug if isinstance(slug, str) else None

    @cached_property
    def manages_current(self) -> bool:
        """Whether the visitor runs the space of the page: the space tabs show the report."""
        if self.current_slug is None:
            return False
        if is_platform_staff(self.user):
            return True
        return any(s.manages for s in self.spaces if s.slug == self.current_slug)


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"shell": SimpleLazyObject(lambda: Shell(request))}
