"""What the app shell around every page needs: the member's spaces with their unread and
mention counts, the next meeting, and, on a page of a space, whether the visitor runs it (so
the space tabs are the same on every page of a space, whatever the view put in its context).

Everything is lazy: a page that never draws the shell (a redirect, a JSON answer, the sign-in
page) costs no query, and a page that does costs two: the spaces with their unread and
mention counts (and, in the same rows, what the inbox bell shows: each space's stream head and
my unread inbox items there), and the next meeting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property

from communities.access import is_platform_staff
from communities.models import MANAGING_ROLES, Membership, ReadPosition, User
from communities.selectors import unread_counts
from emails.models import Notification, NotificationReason
from inbox.models import InboxItem
from meetings.models import Meeting


@dataclass(frozen=True)
class ShellSpace:
    slug: str
    name: str
    unread: int
    mentions: int
    manages: bool
    #: A committee of one of my spaces: drawn under it, indented.
    is_committee: bool = False


@dataclass(frozen=True)
class BellSpace:
    slug: str
    #: The space's stream head: the bell follows the busiest spaces live.
    event_head: int
    #: My unread inbox items there.
    unread: int


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
        """One query: each membership with its unread count (communities.selectors'
        unread_counts for that membership's space, unless the page handed its own over with
        ``share_unread``) and its unread mentions."""
        return self._both[0]

    @cached_property
    def bell(self) -> list[BellSpace]:
        """What the inbox bell needs of each of my spaces, read with ``spaces`` (the bell and
        the side menu are on every page: one query for both rather than one each)."""
        return self._both[1]

    @cached_property
    def _both(self) -> tuple[list[ShellSpace], list[BellSpace]]:
        return self._query()

    def _query(self) -> tuple[list[ShellSpace], list[BellSpace]]:
        # Counted already by the page (the home page): not a second time.
        known: dict[int, int] | None = getattr(self.request, "_shell_unread", None)
        sql, params = _statement(counted=known is None)
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.user.pk if p == _SENTINEL else p for p in params])
            found = cursor.fetchall()
        bell: list[BellSpace] = []
        rows = []
        for (space_id, parent_id, slug, name, role, unread_count, mention_count, event_head,
             inbox_count) in found:
            rows.append((space_id, parent_id, slug, name, role,
                         known.get(space_id, 0) if known is not None else unread_count,
                         mention_count))
            bell.append(BellSpace(slug=slug, event_head=event_head, unread=inbox_count))
        mine = {row[0] for row in rows}
        committees: dict[int, list[ShellSpace]] = {}
        top: list[tuple[int, ShellSpace]] = []
        for space_id, parent_id, slug, name, role, unread_count, mention_count in rows:
            item = ShellSpace(slug=slug, name=name, unread=unread_count, mentions=mention_count,
                              manages=role in MANAGING_ROLES,
                              is_committee=parent_id in mine)
            if parent_id in mine:
                committees.setdefault(parent_id, []).append(item)
            else:
                top.append((space_id, item))
        return [each for space_id, item in top
                for each in (item, *committees.get(space_id, ()))], bell

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


def _rows(user: User, *, counted: bool) -> QuerySet[Any, tuple[Any, ...]]:
    """Each membership of ``user``, ordered by space name, as rows: space id, parent id, slug,
    name, role, unread messages (0 unless ``counted``), unread mentions, stream head, unread
    inbox items."""
    thread_position = ReadPosition.objects.filter(
        user=user, thread_id=OuterRef("thread_id")).values("last_read_message")[:1]
    mentions = (
        Notification.objects.filter(user=user, space=OuterRef("space"),
                                    reason=NotificationReason.MENTION)
        .annotate(read_up_to=Coalesce(Subquery(thread_position), Value(0)))
        .filter(message_id__gt=F("read_up_to"))
        .values("space").annotate(n=Count("pk")).values("n")[:1]
    )
    unread: Any = Coalesce(Subquery(
        unread_counts(user).filter(space_id=OuterRef("space_id")).values("n")[:1],
        output_field=IntegerField()), Value(0)) if counted else Value(0)
    inbox_unread = (InboxItem.objects.filter(recipient=user, space=OuterRef("space_id"),
                                             read_at__isnull=True)
                    .order_by().values("space").annotate(n=Count("pk")).values("n")[:1])
    return (Membership.objects.filter(user=user)
            .annotate(mentions=Coalesce(Subquery(mentions, output_field=IntegerField()),
                                        Value(0)),
                      unread=unread,
                      inbox_unread=Coalesce(Subquery(inbox_unread, output_field=IntegerField()),
                                            Value(0)))
            .order_by("space__name")
            .values_list("space_id", "space__parent_id", "space__slug", "space__name", "role",
                         "unread", "mentions", "space__event_head", "inbox_unread"))


#: A user id no account has: the shell's statement is compiled once for it, then run with the
#: member's id in its place.
_SENTINEL = -7_391_204_857


@cache
def _statement(*, counted: bool) -> tuple[str, tuple[Any, ...]]:
    """The SQL and parameters of ``_rows``, built by the ORM once per process: building and
    compiling that query (three correlated subqueries, the unread counting's joins) cost about
    4.5 ms of CPU on every page, more than running it. The member's id is its only varying
    parameter; none of its columns needs a converter from the database's values."""
    stand_in = User(pk=_SENTINEL)
    stand_in._state.adding = False  # filtered on like a saved account; never saved
    sql, params = _rows(stand_in, counted=counted).query.sql_with_params()
    if _SENTINEL not in params:
        raise ImproperlyConfigured("The shell's query no longer filters on the member.")
    # A value that moves between two builds (the time, read when the statement is built)
    # would be frozen for the process's life: such a query cannot be kept.
    if _rows(stand_in, counted=counted).query.sql_with_params() != (sql, params):
        raise ImproperlyConfigured("The shell's query varies between builds: it cannot be kept.")
    return sql, tuple(params)


def share_unread(request: HttpRequest, per_space: dict[int, int]) -> None:
    """A page that has just counted the member's unread messages in each of their spaces (the
    home page) hands the counts to the shell, which then does not count them a second time.
    Same rules either way: both come from communities.selectors' unread counting."""
    request._shell_unread = per_space  # type: ignore[attr-defined]


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"shell": SimpleLazyObject(lambda: Shell(request))}
