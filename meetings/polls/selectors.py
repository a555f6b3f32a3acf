"""Reads of date polls: which polls a space has, one poll, and a poll's results (counts per
slot and everyone's answers) in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from communities.errors import NotFound
from communities.models import Space, User
from meetings.models.polls import DatePoll, PollAnswer, PollSlot, PollVote


def polls_of(space: Space) -> QuerySet[DatePoll]:
    return DatePoll.objects.filter(space=space).select_related("meeting", "chosen_slot")


def open_polls_of(space: Space) -> QuerySet[DatePoll]:
    """The polls still taking answers, oldest first, each with how many people answered (the
    same count as ``respondents`` in poll.voted), in one query."""
    return (DatePoll.objects.filter(space=space, closed_at__isnull=True)
            .annotate(respondents=Count("slots__votes__user", distinct=True))
            .order_by("created_at", "pk"))


def visible_poll(*, space: Space, poll_id: int) -> DatePoll:
    """A poll of a space the caller may read (the caller's access to ``space`` is already
    checked); another space's poll id gives the same answer as an unknown one."""
    poll = (DatePoll.objects.select_related("space", "created_by", "meeting", "chosen_slot",
                                            "reminded_by")
            .filter(space=space, pk=poll_id).first())
    if poll is None:
        raise NotFound("not_found", _("Ce sondage n'existe pas ou ne vous est pas accessible."))
    return poll


def not_answered(poll: DatePoll, *, besides: User) -> list[User]:
    """Active members of the space who have not answered yet, other than ``besides`` (the
    facilitator who would remind them)."""
    answered = PollVote.objects.filter(slot__poll=poll).values("user_id")
    return list(User.objects.filter(
        memberships__space_id=poll.space_id, is_active=True,
    ).exclude(pk__in=answered).exclude(pk=besides.pk).order_by("display_name", "pk"))


@dataclass
class SlotResult:
    slot: PollSlot
    counts: dict[str, int]
    best: bool = False

    @property
    def yes(self) -> int:
        return self.counts[PollAnswer.YES]

    @property
    def if_needed(self) -> int:
        return self.counts[PollAnswer.IF_NEEDED]

    @property
    def no(self) -> int:
        return self.counts[PollAnswer.NO]

    @property
    def rank(self) -> tuple[int, int]:
        # More people free first; "if needed" breaks ties.
        return (self.yes + self.if_needed, self.yes)


@dataclass
class RespondentRow:
    person: User
    answers: list[str]  # in slot order


@dataclass
class PollResults:
    slots: list[SlotResult]
    respondents: list[RespondentRow]
    mine: dict[int, str] = field(default_factory=dict)

    @property
    def best_slot_id(self) -> int | None:
        best = [result for result in self.slots if result.best]
        return best[0].slot.pk if best else None


def poll_results(poll: DatePoll, *, viewer: User) -> PollResults:
    """Two queries: the slots, and every vote with its voter."""
    slots = list(poll.slots.all())
    votes = list(PollVote.objects.filter(slot__poll=poll).select_related("user")
                 .order_by("user__display_name", "user_id"))
    results = [SlotResult(slot=slot, counts={answer: 0 for answer in PollAnswer.values})
               for slot in slots]
    by_slot = {result.slot.pk: result for result in results}
    position = {slot.pk: index for index, slot in enumerate(slots)}
    rows: dict[int, RespondentRow] = {}
    mine: dict[int, str] = {}
    for vote in votes:
        by_slot[vote.slot_id].counts[vote.answer] += 1
        row = rows.setdefault(vote.user_id, RespondentRow(person=vote.user,
                                                          answers=[""] * len(slots)))
        row.answers[position[vote.slot_id]] = vote.answer
        if vote.user_id == viewer.pk:
            mine[vote.slot_id] = vote.answer
    if votes:
        top = max(result.rank for result in results)
        if top[0] > 0:
            for result in results:
                result.best = result.rank == top
    return PollResults(slots=results, respondents=list(rows.values()), mine=mine)
