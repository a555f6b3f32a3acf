"""The report's figures, computed for any number of spaces in a fixed number of queries.

Every figure is one aggregate grouped by space (or one list of distinct (space, person) pairs),
never a query per space or per person, so the report for six spaces or sixty costs the same
(pinned in tests/reports/test_figures.py).

Memberships are deleted when someone leaves, so "members at the end of the period" cannot be
read from the membership table alone: the first membership event after the period decides for
each person (a departure means they were a member then, a join that they were not), and only
people with no such event fall back to the membership table. This relies on the event log
still holding the events after the period (``EVENT_RETENTION_DAYS``, 400 by default, covers the
fiscal year just ended).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from communities.models import Event, Membership, Message, Reaction, Space, Thread
from docs_store.models import Document, DocumentVersion
from reports.meeting_figures import MeetingTally, meeting_participation_pairs, meeting_tallies
from reports.periods import Period, local_zone
from reports.question_figures import QuestionTally, question_tallies

JOIN_KINDS = ("member.joined",)
DEPARTURE_KINDS = ("member.left", "member.removed")


@dataclass
class Figures:
    """What one space (or all of them together) did over the period."""

    members_at_end: int = 0
    new_members: int = 0
    active_members: int = 0
    threads: int = 0
    messages: int = 0
    documents: int = 0
    meetings: MeetingTally = field(default_factory=MeetingTally)
    questions: QuestionTally = field(default_factory=QuestionTally)

    @property
    def average_participants(self) -> float | None:
        return self.meetings.average_participants


@dataclass
class MonthRow:
    month: str  # ISO first day of the month
    messages: int
    participants: int


@dataclass
class Report:
    period: Period
    spaces: list[Space]
    by_space: dict[int, Figures]
    #: People are counted once even when they belong to several spaces, so the members, new
    #: members and active members of ``total`` are not the sums of the rows.
    total: Figures
    months: list[MonthRow]


Pairs = dict[int, set[int]]


def _pairs(rows: Iterable[tuple[int, int | None]]) -> Pairs:
    people: Pairs = defaultdict(set)
    for space_id, user_id in rows:
        if user_id is not None:
            people[space_id].add(user_id)
    return people


def _everyone(pairs: Pairs) -> int:
    return len(set().union(*pairs.values())) if pairs else 0


def members_at_end(space_ids: list[int], period: Period) -> Pairs:
    """Who belonged to each space at the end of the period (2 queries)."""
    members = _pairs(Membership.objects.filter(
        space_id__in=space_ids, joined_at__lt=period.ends_at).values_list("space_id", "user_id"))
    later = (Event.objects.filter(space_id__in=space_ids, created_at__gte=period.ends_at,
                                  kind__in=JOIN_KINDS + DEPARTURE_KINDS)
             .order_by("space_id", "seq").values_list("space_id", "kind", "payload"))
    decided: set[tuple[int, int]] = set()
    for space_id, kind, payload in later:
        user_id = int(payload["member"]["id"])
        if (space_id, user_id) in decided:
            continue
        decided.add((space_id, user_id))
        if kind in DEPARTURE_KINDS:
            members[space_id].add(user_id)
        else:
            members[space_id].discard(user_id)
    return members


def new_members(space_ids: list[int], period: Period) -> Pairs:
    """Who joined each space during the period, whether or not they are still there
    (2 queries: current memberships, and join events of people who have since left)."""
    joined = _pairs(Membership.objects.filter(
        space_id__in=space_ids, joined_at__gte=period.starts_at, joined_at__lt=period.ends_at,
    ).values_list("space_id", "user_id"))
    for space_id, payload in Event.objects.filter(
            space_id__in=space_ids, kind__in=JOIN_KINDS, created_at__gte=period.starts_at,
            created_at__lt=period.ends_at).values_list("space_id", "payload"):
        joined[space_id].add(int(payload["member"]["id"]))
    return joined


def active_members(space_ids: list[int], period: Period) -> Pairs:
    """Who posted, reacted, uploaded, answered an invitation or attended, per space: one
    UNION query of distinct (space, person) pairs."""
    within = {"gte": period.starts_at, "lt": period.ends_at}

    def during(prefix: str) -> Q:
        return Q(**{f"{prefix}__{op}": bound for op, bound in within.items()})

    posted = Message.objects.filter(during("created_at"), thread__space_id__in=space_ids,
                                    deleted_at__isnull=True).values_list(
        "thread__space_id", "author_id")
    reacted = Reaction.objects.filter(during("created_at"),
                                      message__thread__space_id__in=space_ids).values_list(
        "message__thread__space_id", "user_id")
    uploaded = DocumentVersion.objects.filter(during("created_at"),
                                              document__space_id__in=space_ids).values_list(
        "document__space_id", "uploaded_by_id")
    # Models with a default ordering would put ORDER BY inside the UNION, which SQLite refuses.
    parts = [part.order_by() for part in (reacted, uploaded,
                                           *meeting_participation_pairs(space_ids, period))]
    union = posted.order_by().union(*parts)
    return _pairs(union)


def _count_by_space(queryset, space_field: str) -> Counter[int]:  # type: ignore[no-untyped-def]
    return Counter(dict(queryset.values_list(space_field).annotate(n=Count("pk")).order_by()
                        .values_list(space_field, "n")))


def monthly_messages(space_ids: list[int], period: Period) -> Counter[str]:
    rows = (Message.objects.filter(thread__space_id__in=space_ids, deleted_at__isnull=True,
                                   created_at__gte=period.starts_at,
                                   created_at__lt=period.ends_at)
            .annotate(month=TruncMonth("created_at", tzinfo=local_zone()))
            .values_list("month").annotate(n=Count("pk")).order_by().values_list("month", "n"))
    return Counter({month.date().isoformat(): n for month, n in rows})


def _fold(pairs: Pairs, owner: dict[int, int]) -> Pairs:
    folded: Pairs = defaultdict(set)
    for space_id, people in pairs.items():
        folded[owner.get(space_id, space_id)] |= people
    return folded


def _fold_counts(counts: Counter[int], owner: dict[int, int]) -> Counter[int]:
    folded: Counter[int] = Counter()
    for space_id, n in counts.items():
        folded[owner.get(space_id, space_id)] += n
    return folded


def _fold_tallies(tallies: dict, owner: dict[int, int], empty, committee=None) -> dict:  # type: ignore[no-untyped-def, type-arg]
    folded: dict = {}  # type: ignore[type-arg]
    for space_id, tally in tallies.items():
        parent = owner.get(space_id)
        if parent is not None and committee is not None:
            tally = committee(tally)
        key = parent if parent is not None else space_id
        folded[key] = folded.get(key, empty()) + tally
    return folded


def activity_report(*, spaces: list[Space], period: Period) -> Report:
    """Every figure for these spaces over the period, and the total across them. A space's
    committees count in its row (their meetings marked as committee meetings), never in rows
    of their own: one more query finds them."""
    ids = [space.pk for space in spaces]
    owner = dict(Space.objects.filter(parent_id__in=ids).exclude(pk__in=ids).order_by()
                 .values_list("pk", "parent_id"))
    every_id = ids + list(owner)
    within = {"created_at__gte": period.starts_at, "created_at__lt": period.ends_at}
    members = members_at_end(ids, period)
    joined = new_members(ids, period)
    active = active_members(every_id, period)
    threads = _count_by_space(Thread.objects.filter(space_id__in=every_id, **within), "space_id")
    messages = _count_by_space(Message.objects.filter(
        thread__space_id__in=every_id, deleted_at__isnull=True, **within), "thread__space_id")
    # What is in the trash is not counted: it was withdrawn. Purged documents are gone.
    documents = _count_by_space(Document.objects.filter(
        space_id__in=every_id, deleted_at__isnull=True, **within), "space_id")
    tallies, per_month_participants = meeting_tallies(every_id, period)
    questions = question_tallies(every_id, period)
    if owner:
        # Committee members are members of the space already (and joining a committee is not
        # joining the space): only what they did counts under the space.
        active = _fold(active, owner)
        threads, messages, documents = (_fold_counts(threads, owner),
                                        _fold_counts(messages, owner),
                                        _fold_counts(documents, owner))
        tallies = _fold_tallies(tallies, owner, MeetingTally, MeetingTally.as_committee)
        questions = _fold_tallies(questions, owner, QuestionTally)

    by_space = {
        space_id: Figures(
            members_at_end=len(members.get(space_id, ())),
            new_members=len(joined.get(space_id, ())),
            active_members=len(active.get(space_id, ())),
            threads=threads[space_id], messages=messages[space_id],
            documents=documents[space_id],
            meetings=tallies.get(space_id, MeetingTally()),
            questions=questions.get(space_id, QuestionTally()),
        )
        for space_id in ids
    }
    total = Figures(
        members_at_end=_everyone(members), new_members=_everyone(joined),
        active_members=_everyone(active),
        threads=sum(threads.values()), messages=sum(messages.values()),
        documents=sum(documents.values()),
        meetings=sum(tallies.values(), MeetingTally()),
        questions=sum(questions.values(), QuestionTally()),
    )
    per_month_messages = monthly_messages(every_id, period)
    months = [MonthRow(month=month.isoformat(),
                       messages=per_month_messages[month.isoformat()],
                       participants=per_month_participants[month.isoformat()])
              for month in period.months()]
    return Report(period=period, spaces=spaces, by_space=by_space, total=total, months=months)
