"""Meeting figures of the report: meetings held by mode, participants (members who attended
plus guests who are not members) and the average per meeting.

A meeting is "held" when it was not cancelled and started inside the period and before now.
The average is taken over the meetings whose attendance was recorded: a meeting nobody has
filled in yet would otherwise count as a meeting of zero people."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from meetings.models import Attendance, Meeting, MeetingMode, Rsvp
from reports.periods import Period, local_zone


@dataclass
class MeetingTally:
    by_mode: Counter[str] = field(default_factory=Counter)
    #: Held meetings whose attendance was recorded, and their participants.
    recorded: int = 0
    participants: int = 0
    members_attending: int = 0
    guests: int = 0
    #: Of the meetings held, those of the space's committees (counted under the space).
    committee_held: int = 0

    @property
    def held(self) -> int:
        return sum(self.by_mode.values())

    @property
    def virtual(self) -> int:
        return self.by_mode[MeetingMode.VIRTUAL]

    @property
    def in_person(self) -> int:
        return self.by_mode[MeetingMode.IN_PERSON]

    @property
    def hybrid(self) -> int:
        return self.by_mode[MeetingMode.HYBRID]

    @property
    def unrecorded(self) -> int:
        return self.held - self.recorded

    @property
    def average_participants(self) -> float | None:
        return round(self.participants / self.recorded, 1) if self.recorded else None

    def __add__(self, other: MeetingTally) -> MeetingTally:
        return MeetingTally(by_mode=self.by_mode + other.by_mode,
                            recorded=self.recorded + other.recorded,
                            participants=self.participants + other.participants,
                            members_attending=self.members_attending + other.members_attending,
                            guests=self.guests + other.guests,
                            committee_held=self.committee_held + other.committee_held)

    def as_committee(self) -> MeetingTally:
        """The same meetings counted under the committee's space, marked as a committee's."""
        return MeetingTally(by_mode=self.by_mode, recorded=self.recorded,
                            participants=self.participants,
                            members_attending=self.members_attending, guests=self.guests,
                            committee_held=self.held)


def held_meetings(space_ids: list[int], period: Period) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        space_id__in=space_ids, cancelled_at__isnull=True,
        starts_at__gte=period.starts_at, starts_at__lt=min(period.ends_at, timezone.now()),
    )


def _held_rows(space_ids: list[int], period: Period):  # type: ignore[no-untyped-def]
    # One row per held meeting (tens a year per space), with its attendance counted in SQL.
    return list(held_meetings(space_ids, period).annotate(attending=Count("attendances"))
                .values("space_id", "mode", "starts_at", "guests", "attending",
                        "attendance_recorded_at"))


def meeting_tallies(space_ids: list[int],
                   period: Period) -> tuple[dict[int, MeetingTally], Counter[str]]:
    """Per space, and participants per month of the meeting's start in local time: one
    query."""
    tallies: dict[int, MeetingTally] = {}
    months: Counter[str] = Counter()
    zone = local_zone()
    for row in _held_rows(space_ids, period):
        tally = tallies.setdefault(row["space_id"], MeetingTally())
        tally.by_mode[row["mode"]] += 1
        if row["attendance_recorded_at"] is None:
            continue
        attending, guests = row["attending"], row["guests"]
        tally.recorded += 1
        tally.members_attending += attending
        tally.guests += guests
        tally.participants += attending + guests
        start = row["starts_at"].astimezone(zone)
        months[start.date().replace(day=1).isoformat()] += attending + guests
    return tallies, months


def meeting_participation_pairs(space_ids: list[int],
                                period: Period) -> list[QuerySet[Any, tuple[int, int]]]:
    """(space, person) pairs of those who answered an invitation during the period or
    attended a meeting held in it; parts of the active-members UNION."""
    answered = Rsvp.objects.filter(
        Q(answered_at__gte=period.starts_at, answered_at__lt=period.ends_at)
        | Q(updated_at__gte=period.starts_at, updated_at__lt=period.ends_at),
        meeting__space_id__in=space_ids,
    ).values_list("meeting__space_id", "user_id")
    attended = Attendance.objects.filter(
        meeting__in=held_meetings(space_ids, period)).values_list("meeting__space_id", "user_id")
    return [answered, attended]
