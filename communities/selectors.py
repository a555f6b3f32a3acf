"""Reads that are more than a one-liner. Who may read what is ``communities.access``'s."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import attachments
from communities.access import is_platform_staff, may_read_space, remember_membership
from communities.errors import NotFound
from communities.models import ApiToken, Event, Invitation, Membership, Space, Thread, User
from communities.statements import Statement


def _thread_statement(*related: str) -> Statement[Thread]:
    return Statement(lambda thread_id: Thread.objects.select_related(*related)
                     .filter(pk=thread_id)[:1], thread_id=int)


# Every post reads them (see visible_thread).
_THREAD = {True: _thread_statement("space", "author"), False: _thread_statement("space")}
_MEMBERSHIP: Statement[Membership] = Statement(
    lambda user_id, space_id: Membership.objects.filter(user_id=user_id,
                                                        space_id=space_id)[:1],
    user_id=int, space_id=int)


def visible_space(*, user: User, slug: str) -> Space:
    """A space the user may read. Non-members get the same answer as for a space that does not
    exist, so private spaces do not leak their names."""
    space = Space.objects.select_related("parent").filter(slug=slug).first()
    if space is None or not may_read_space(user=user, space_id=space.pk):
        raise NotFound("not_found", _("Cet espace n'existe pas ou ne vous est pas accessible."))
    return space


def visible_space_with_membership(*, user: User, slug: str) -> tuple[Space, Membership | None]:
    """``visible_space`` and the reader's membership from one read of the membership: the
    space page needs both, and asking "may read?" then "which membership?" read it twice.
    The membership is remembered on the space for the rules asked later in the request."""
    from communities.access import membership_of

    space = Space.objects.select_related("parent").filter(slug=slug).first()
    membership = membership_of(user=user, space=space) if space is not None else None
    if space is None or (membership is None and not is_platform_staff(user)):
        raise NotFound("not_found", _("Cet espace n'existe pas ou ne vous est pas accessible."))
    if membership is not None:
        remember_membership(user=user, space=space, membership=membership)
    return space, membership


def governed_committee(*, user: User, slug: str) -> Space:
    """A committee ``user`` governs (a facilitator of its space, or staff); anyone else gets
    the answer a committee that does not exist gets."""
    from communities.access import may_govern_committee

    committee = Space.objects.select_related("parent").filter(
        slug=slug, parent__isnull=False).first()
    if committee is None or not may_govern_committee(user=user, committee=committee):
        raise NotFound("not_found", _("Ce comité n'existe pas ou ne vous est pas accessible."))
    return committee


def visible_thread(*, user: User, thread_id: int, with_author: bool = True) -> Thread:
    """The thread, its space loaded, if ``user`` may read it. ``with_author=False`` for a
    caller that never shows the thread's author (posting in it): building the author's row
    costs Python calls for nothing."""
    thread = _THREAD[with_author].first(thread_id=thread_id)
    if thread is not None and not is_platform_staff(user):
        membership = _MEMBERSHIP.first(user_id=user.pk, space_id=thread.space_id)
        if membership is None:
            thread = None
        else:
            remember_membership(user=user, space=thread.space, membership=membership)
    if thread is None:
        raise NotFound("not_found", _("Ce fil n'existe pas ou ne vous est pas accessible."))
    return thread


def spaces_of(user: User) -> QuerySet[Membership]:
    """Someone's spaces by name, each committee right after its space."""
    from django.db.models.functions import Coalesce

    return (Membership.objects.filter(user=user).select_related("space__parent")
            .order_by(Coalesce("space__parent__name", "space__name"),
                      Coalesce("space__parent_id", "space_id"),
                      models.F("space__parent_id").asc(nulls_first=True), "space__name"))


def spaces_with_committees(user: User) -> list[Membership]:
    """The top-level spaces someone belongs to, each with ``committee_memberships``: the
    committees of it they are in (a committee is listed under its space, never alone)."""
    rows = list(spaces_of(user))
    top = [m for m in rows if m.space.parent_id is None]
    by_space = {m.space_id: m for m in top}
    for m in top:
        m.committee_memberships = []  # type: ignore[attr-defined]
    for m in rows:
        if m.space.parent_id is not None and m.space.parent_id in by_space:
            by_space[m.space.parent_id].committee_memberships.append(m)  # type: ignore[attr-defined]
    return top


def committees_seen_in(*, user: User, space: Space) -> list[Space]:
    """The committees of ``space`` whose existence ``user`` may know (see
    ``access.may_see_committee``), each with ``is_member``; archived ones last. Two queries."""
    from communities.access import may_see_committee, membership_of

    parent_membership = membership_of(user=user, space=space)
    committees = list(Space.objects.filter(parent=space).order_by(
        models.F("archived_at").asc(nulls_first=True), "name"))
    mine = set(Membership.objects.filter(user=user, space__parent=space)
               .values_list("space_id", flat=True)) if user.is_authenticated else set()
    seen = []
    for committee in committees:
        committee.is_member = committee.pk in mine  # type: ignore[attr-defined]
        if may_see_committee(user=user, committee=committee,
                             parent_membership=parent_membership,
                             member_of_committee=committee.pk in mine):
            seen.append(committee)
    return seen


def unanswered_questions(space: Space) -> QuerySet[Thread]:
    """Questions of a space still waiting for an answer, oldest first."""
    return (space.threads.filter(is_question=True, answer__isnull=True)
            .select_related("author").order_by("created_at", "pk"))


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


def _with_reading(threads: QuerySet[Thread], user: User) -> QuerySet[Thread]:
    """Threads with ``user``'s reading position and join date beside each: both are joined
    once per thread. Read as correlated subqueries they were evaluated once per message, which
    made counting 12,000 unread messages 50 times slower."""
    from django.db.models import FilteredRelation, Q
    from django.db.models.functions import Coalesce

    return threads.alias(
        mine=FilteredRelation("read_positions", condition=Q(read_positions__user=user)),
        membership=FilteredRelation("space__memberships",
                                    condition=Q(space__memberships__user=user)),
    ).alias(
        read_up_to=Coalesce(models.F("mine__last_read_message"), 0),
        # Staff reading a space they are not in: everything counts.
        joined_at=Coalesce(models.F("membership__joined_at"),
                           models.Value(datetime.min.replace(tzinfo=UTC))),
    )


def _unread_count(user: User) -> models.Count:
    """Messages that count as unread for ``user``, over threads from ``_with_reading``: by
    someone else, not deleted, after the member's reading position in their thread and posted
    after they joined the space (a newcomer does not start with years of "unread" history)."""
    from django.db.models import Count, Q

    return Count("messages", filter=Q(
        messages__pk__gt=models.F("read_up_to"),
        messages__created_at__gt=models.F("joined_at"),
        messages__deleted_at__isnull=True) & ~Q(messages__author=user))


def _unread_in_my_spaces(user: User) -> QuerySet[Thread]:
    """The threads of ``user``'s spaces that may hold unread messages: those quiet since the
    member joined are skipped before any message is counted."""
    return (_with_reading(Thread.objects.filter(
        space_id__in=Membership.objects.filter(user=user).values("space_id")), user)
        .filter(last_activity_at__gt=models.F("joined_at")))


def threads_for_member(*, space: Space, user: User, offset: int = 0,
                       limit: int | None = None) -> list[Thread]:
    """The space's threads, pinned first then by latest activity, each annotated with
    ``unread``; ``offset``/``limit`` cut one page of that order. One query."""
    threads = (
        _with_reading(space.threads.select_related("author"), user)
        .annotate(unread=_unread_count(user))
        # pk last so that threads active at the same instant keep their place between pages.
        .order_by(models.F("pinned_at").desc(nulls_last=True), "-last_activity_at", "-pk")
    )
    page: list[Thread] = list(threads[offset:None if limit is None else offset + limit])
    for thread in page:
        thread.space = space  # the one already read, rather than joined again per thread
    return page


def unread_counts(user: User) -> QuerySet:
    """Unread messages per space of ``user``, as ``(space_id, n)`` rows for the spaces that
    have any; the same form as ``unread_threads``, summed per space."""
    return (_unread_in_my_spaces(user).values("space_id")
            .annotate(n=_unread_count(user)).filter(n__gt=0).values_list("space_id", "n"))


def unread_per_space(user: User) -> dict[int, int]:
    """Unread messages in each of the user's spaces. One query."""
    return dict(unread_counts(user))


def messages_page(*, thread: Thread, after_id: int = 0, limit: int = 50) -> list:
    """A page of a thread, oldest first, with authors, quoted messages, reactions and
    attached documents loaded: four queries whatever the length of the thread."""
    return list(
        thread.messages.filter(pk__gt=after_id)
        .select_related("author", "reply_to__author")
        .prefetch_related("reactions", *attachments.prefetch())
        .order_by("pk")[:limit]
    )


def read_position(*, thread: Thread, user: User) -> int:
    from communities.models import ReadPosition

    return (ReadPosition.objects.filter(thread=thread, user=user)
            .values_list("last_read_message", flat=True).first()) or 0


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """Someone's tokens that still work, newest first."""
    return ApiToken.objects.filter(user=user, expires_at__gt=timezone.now()).order_by(
        "-created_at", "-pk")


def has_pending_invitation(email: str) -> bool:
    """Whether an invitation to this address is waiting to be accepted (not used, not
    expired): what lets single sign-on make the account it will be accepted with."""
    return Invitation.objects.filter(email__iexact=email.strip(), accepted_at__isnull=True,
                                     expires_at__gt=timezone.now()).exists()


class UnreadThread(NamedTuple):
    pk: int
    space_id: int
    title: str
    unread: int


def unread_threads(user: User, space_ids: list[int]) -> list[UnreadThread]:
    """Threads of these spaces (the user's own) with messages ``user`` has not read, most
    recent activity first, with their unread count. One query; rows rather than models, as
    a member back from holidays has hundreds of them and the pages show a few titles."""
    return [UnreadThread(*row) for row in
            _unread_in_my_spaces(user).filter(space_id__in=space_ids)
            .annotate(unread=_unread_count(user)).filter(unread__gt=0)
            .order_by("-last_activity_at", "-pk")
            .values_list("pk", "space_id", "title", "unread")]
