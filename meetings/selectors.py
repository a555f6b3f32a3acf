"""Reads of meetings: lists per space, one meeting with what its page shows, a member's
answer, and the meetings a personal calendar feed carries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import NotFound
from communities.models import Membership, Space, User
from docs_store.models import Document
from meetings.models import Answer, Meeting, Rsvp
from meetings.services.waiting_list import rsvp_counts, waiting_position

# How far back a personal feed reaches: calendar apps keep what they already have.
FEED_PAST = timedelta(days=180)


def _with_details(queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return queryset.select_related("space", "created_by").prefetch_related(
        Prefetch("documents", queryset=Document.objects.filter(deleted_at__isnull=True)
                 .order_by("title")))


def upcoming_meetings(space: Space) -> QuerySet[Meeting]:
    """Not yet over, soonest first (cancelled ones stay listed, marked, until their date)."""
    return _with_details(space.meetings.filter(ends_at__gt=timezone.now())
                         .order_by("starts_at", "pk"))


def past_meetings(space: Space) -> QuerySet[Meeting]:
    return _with_details(space.meetings.filter(ends_at__lte=timezone.now())
                         .annotate(attendee_count=Count("attendances"))
                         .order_by("-starts_at", "-pk"))


def visible_meeting(*, user: User, space: Space, meeting_id: int) -> Meeting:
    """A meeting of a space the caller may read (the caller's access to ``space`` is already
    checked); another space's meeting id gives the same answer as an unknown one."""
    meeting = _with_details(Meeting.objects.filter(pk=meeting_id, space=space)).first()
    if meeting is None:
        raise NotFound("not_found", _("Cette rencontre n'existe pas ou ne vous est pas "
                                      "accessible."))
    return meeting


@dataclass(frozen=True)
class RsvpView:
    counts: dict[str, int]
    mine: Rsvp | None
    position: int | None
    seated: list[Rsvp]
    maybe: list[Rsvp]
    declined: list[Rsvp]
    waiting: list[Rsvp]


def rsvp_view(*, meeting: Meeting, user: User) -> RsvpView:
    rsvps = list(meeting.rsvps.select_related("user").order_by("answered_at", "pk"))
    mine = next((r for r in rsvps if r.user_id == user.pk), None)
    waiting = sorted((r for r in rsvps if r.answer == Answer.YES and r.waitlisted_at),
                     key=lambda r: (r.waitlisted_at, r.pk))
    return RsvpView(
        counts=rsvp_counts(meeting), mine=mine,
        position=waiting_position(mine) if mine else None,
        seated=[r for r in rsvps if r.has_seat],
        maybe=[r for r in rsvps if r.answer == Answer.MAYBE],
        declined=[r for r in rsvps if r.answer == Answer.NO],
        waiting=waiting,
    )


def feed_meetings(user: User) -> QuerySet[Meeting]:
    """Meetings of the spaces the person belongs to now (leaving a space takes its meetings
    out of the feed), from six months back; cancelled ones stay so calendars remove them."""
    spaces = Membership.objects.filter(user=user).values("space_id")
    return (Meeting.objects.filter(space_id__in=spaces,
                                   ends_at__gte=timezone.now() - FEED_PAST)
            .select_related("space__parent").order_by("starts_at", "pk"))
