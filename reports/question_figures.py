"""Question figures of the report, read from the event log: questions asked in the period,
how many got a reply and an accepted answer, and the median time to the first reply and to the
first accepted answer (hours). The log is what tells when: a thread's ``last_activity_at``
moves on, and an answer may be unmarked and marked again later."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from django.db.models import Q

from communities.models import Event, Thread
from reports.periods import Period


def _hours(values: list[float]) -> float | None:
    return round(median(values), 1) if values else None


@dataclass
class QuestionTally:
    asked: int = 0
    first_reply_hours: list[float] = field(default_factory=list)
    answer_hours: list[float] = field(default_factory=list)

    @property
    def replied(self) -> int:
        return len(self.first_reply_hours)

    @property
    def answered(self) -> int:
        return len(self.answer_hours)

    @property
    def median_first_reply_hours(self) -> float | None:
        return _hours(self.first_reply_hours)

    @property
    def median_answer_hours(self) -> float | None:
        return _hours(self.answer_hours)

    def __add__(self, other: QuestionTally) -> QuestionTally:
        return QuestionTally(asked=self.asked + other.asked,
                             first_reply_hours=self.first_reply_hours + other.first_reply_hours,
                             answer_hours=self.answer_hours + other.answer_hours)


def question_tallies(space_ids: list[int], period: Period) -> dict[int, QuestionTally]:
    """Per space, for the questions asked during the period: two queries."""
    asked = dict(Thread.objects.filter(
        space_id__in=space_ids, is_question=True, created_at__gte=period.starts_at,
        created_at__lt=period.ends_at).values_list("pk", "space_id"))
    tallies: dict[int, QuestionTally] = {}
    for space_id in asked.values():
        tallies.setdefault(space_id, QuestionTally()).asked += 1
    if not asked:
        return tallies
    ids = list(asked)
    started: dict[int, datetime] = {}
    first_reply: dict[int, datetime] = {}
    first_answer: dict[int, datetime] = {}
    for kind, payload, at in (
        Event.objects.filter(space_id__in=set(asked.values()))
        .filter(Q(kind="thread.created", payload__thread__id__in=ids)
                | Q(kind="message.created", payload__thread__id__in=ids)
                | Q(kind="question.answered", payload__thread__in=ids,
                    payload__message__isnull=False))
        .order_by("created_at", "seq").values_list("kind", "payload", "created_at")
    ):
        if kind == "thread.created":
            started.setdefault(payload["thread"]["id"], at)
        elif kind == "message.created":
            first_reply.setdefault(payload["thread"]["id"], at)
        elif payload.get("message") is not None:
            first_answer.setdefault(int(payload["thread"]), at)
    for thread_id, space_id in asked.items():
        opened = started.get(thread_id)
        if opened is None:  # its events were pruned: no time to tell
            continue
        tally = tallies[space_id]
        if thread_id in first_reply:
            tally.first_reply_hours.append((first_reply[thread_id] - opened).total_seconds()
                                           / 3600)
        if thread_id in first_answer:
            tally.answer_hours.append((first_answer[thread_id] - opened).total_seconds() / 3600)
    return tallies
