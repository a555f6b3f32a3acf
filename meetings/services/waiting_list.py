"""Seats and the waiting list. Callers hold the meeting's row lock (select_for_update), which
is what makes "is there a seat left?" and "take it" one step for concurrent answers."""

from __future__ import annotations

from django.db.models import Count, Q

from communities.events import emit
from communities.models import User
from communities.serializers import person
from meetings import tasks
from meetings.mail import MailKind
from meetings.models import Answer, Meeting, Rsvp
from meetings.serializers import counts_data


def seats_taken(meeting: Meeting) -> int:
    return Rsvp.objects.filter(meeting=meeting, answer=Answer.YES,
                               waitlisted_at__isnull=True).count()


def rsvp_counts(meeting: Meeting) -> dict[str, int]:
    """yes (holding a seat), maybe, no, waiting — one query."""
    totals = Rsvp.objects.filter(meeting=meeting).aggregate(
        yes=Count("pk", filter=Q(answer=Answer.YES, waitlisted_at__isnull=True)),
        waiting=Count("pk", filter=Q(answer=Answer.YES, waitlisted_at__isnull=False)),
        maybe=Count("pk", filter=Q(answer=Answer.MAYBE)),
        no=Count("pk", filter=Q(answer=Answer.NO)),
    )
    return counts_data(totals)


def waiting_position(rsvp: Rsvp) -> int | None:
    """1 for the next person to get a seat; None when not waiting."""
    if rsvp.waitlisted_at is None:
        return None
    ahead = Rsvp.objects.filter(meeting_id=rsvp.meeting_id, answer=Answer.YES,
                                waitlisted_at__isnull=False).filter(
        Q(waitlisted_at__lt=rsvp.waitlisted_at) | Q(waitlisted_at=rsvp.waitlisted_at,
                                                    pk__lt=rsvp.pk)).count()
    return ahead + 1


def rsvp_event_data(*, rsvp: Rsvp, meeting: Meeting, promoted: bool = False) -> dict:
    return {
        "meeting": meeting.pk,
        "member": person(rsvp.user),
        "answer": rsvp.answer,
        "waiting": rsvp.waitlisted_at is not None,
        "promoted": promoted,
        "counts": rsvp_counts(meeting),
    }


def promote_waiting(*, meeting: Meeting, actor: User | None) -> list[Rsvp]:
    """Give free seats to the waiting list, first come first served; each promoted person
    gets an ``rsvp.changed`` event and an email."""
    if meeting.capacity is None:
        free = None
    else:
        free = meeting.capacity - seats_taken(meeting)
        if free <= 0:
            return []
    waiting = (Rsvp.objects.select_related("user")
               .filter(meeting=meeting, answer=Answer.YES, waitlisted_at__isnull=False)
               .order_by("waitlisted_at", "pk"))
    promoted = list(waiting if free is None else waiting[:free])
    for rsvp in promoted:
        rsvp.waitlisted_at = None
        rsvp.save(update_fields=["waitlisted_at"])
        emit(kind="rsvp.changed", actor=actor, space=meeting.space,
             data=rsvp_event_data(rsvp=rsvp, meeting=meeting, promoted=True))
    if promoted:
        tasks.send_after_commit(kind=MailKind.PROMOTED, meeting=meeting,
                               user_ids=[r.user_id for r in promoted])
    return promoted
