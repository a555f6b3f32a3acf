"""What the home page "Quoi de neuf" shows across a person's spaces: unread threads, mentions,
upcoming meetings with their own answer, polls awaiting their answer, new documents. Each part
is one query whatever the number of spaces, so the page's cost does not grow with them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from communities.models import Membership, Space, User
from communities.selectors import UnreadThread, unread_counts, unread_threads
from docs_store.models import Document
from inbox.access import visible_items
from inbox.handlers.discussion import MENTION
from inbox.models import InboxItem
from meetings.models import DatePoll, Meeting, PollVote, Rsvp

#: How many lines each part shows; the rest is counted ("et 12 autres").
TOP = 5
NEW_DOCUMENTS_DAYS = 14

#: The spaces a section covers: a list of ids, or a subquery of them (one query per section
#: when a section is asked for alone, as the home page's live fragments do).
SpaceIds = Sequence[int] | QuerySet[Membership, int]


@dataclass
class SpaceNews:
    space: Space
    role: str
    unread: int = 0
    mentions: int = 0
    threads: list[UnreadThread] = field(default_factory=list)
    #: The committees of this space I belong to, shown inside its card.
    committees: list[SpaceNews] = field(default_factory=list)


@dataclass
class WhatsNew:
    spaces: list[SpaceNews]
    unread: int
    mentions: Sequence[InboxItem]
    meetings: Sequence[Meeting]
    polls: Sequence[DatePoll]
    documents: Sequence[Document]
    #: Unread messages per space id, committees included: what the app shell shows too.
    unread_per_space: dict[int, int] = field(default_factory=dict)


def memberships(user: User) -> list[Membership]:
    return list(Membership.objects.filter(user=user).select_related("space")
                .order_by("space__name"))


def mention_counts(user: User) -> dict[int, int]:
    """Unread mentions per space id."""
    return dict(visible_items(user).filter(kind=MENTION, read_at__isnull=True)
                .values("space_id").annotate(n=Count("pk")).values_list("space_id", "n"))


def whats_new(user: User) -> WhatsNew:
    mine = memberships(user)
    ids = [m.space_id for m in mine]
    news = {m.space_id: SpaceNews(space=m.space, role=m.get_role_display()) for m in mine}
    for thread in unread_threads(user, ids):
        entry = news[thread.space_id]
        entry.unread += thread.unread
        if len(entry.threads) < 3:
            entry.threads.append(thread)
    for space_id, count in mention_counts(user).items():
        news[space_id].mentions = count
    mentions = list(visible_items(user).filter(kind=MENTION, read_at__isnull=True)
                    .select_related("space", "actor").order_by("-created_at", "-pk")[:TOP])
    now = timezone.now()
    meetings = upcoming_meetings(user, ids, now=now)
    polls = polls_awaiting(user, ids)
    documents = new_documents(ids, now=now)
    for entry in news.values():
        if entry.space.parent_id in news:
            news[entry.space.parent_id].committees.append(entry)
    spaces = sorted((n for n in news.values() if n.space.parent_id not in news),
                    key=lambda n: (-n.unread, n.space.name))
    return WhatsNew(spaces=spaces, unread=sum(n.unread for n in news.values()),
                    mentions=mentions,
                    meetings=meetings, polls=polls, documents=documents,
                    unread_per_space={space_id: n.unread for space_id, n in news.items()})


def upcoming_meetings(user: User, ids: SpaceIds, *, now: datetime) -> list[Meeting]:
    """The next meetings of these spaces, each with ``my_answer`` (None before I answer),
    read in the same query."""
    my_answer = Rsvp.objects.filter(meeting=OuterRef("pk"), user=user).values("answer")[:1]
    return list(
        Meeting.objects.filter(space_id__in=ids, ends_at__gt=now, cancelled_at__isnull=True)
        .select_related("space").annotate(my_answer=Subquery(my_answer))
        .order_by("starts_at", "pk")[:TOP])


def polls_awaiting(user: User, ids: SpaceIds) -> list[DatePoll]:
    answered = PollVote.objects.filter(slot__poll=OuterRef("pk"), user=user)
    return list(DatePoll.objects.filter(space_id__in=ids, closed_at__isnull=True)
                .exclude(Exists(answered)).select_related("space")
                .order_by("created_at", "pk")[:TOP])


def new_documents(ids: SpaceIds, *, now: datetime) -> list[Document]:
    return list(Document.objects.filter(
        space_id__in=ids, deleted_at__isnull=True,
        created_at__gte=now - timedelta(days=NEW_DOCUMENTS_DAYS))
        .select_related("space", "uploader").order_by("-created_at", "-pk")[:TOP])


def counts(user: User) -> dict[str, object]:
    """The live counts a page shows, for a client that must catch up (after reading a thread
    or a reconnection): the inbox's unread count, and per space slug its unread messages and
    unread mentions."""
    from inbox.selectors import unread_count

    mine = memberships(user)
    per_space: dict[str, dict[str, int]] = defaultdict(lambda: {"unread": 0, "mentions": 0})
    slugs = {m.space_id: m.space.slug for m in mine}
    for slug in slugs.values():
        per_space[slug]
    for space_id, unread in unread_counts(user):
        per_space[slugs[space_id]]["unread"] = unread
    for space_id, count in mention_counts(user).items():
        per_space[slugs[space_id]]["mentions"] = count
    return {"inbox": unread_count(user), "spaces": dict(per_space),
            "unread": sum(v["unread"] for v in per_space.values())}
