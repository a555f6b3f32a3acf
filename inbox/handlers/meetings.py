"""Items from meetings and date polls: I am invited to a meeting, one I am invited to
changed its time or place or was cancelled, a poll of my space awaits my answer (read once
I have answered)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.markdown import plain_line
from communities.models import Event, Membership
from inbox import registry, services
from inbox.links import meeting_target, poll_target
from inbox.models import SNIPPET_CHARS
from inbox.registry import NewItem
from meetings.models import PollVote
from meetings.services.scheduling import CALENDAR_FIELDS

INVITED = "meeting.invited"
CHANGED = "meeting.changed"
CANCELLED = "meeting.cancelled"
POLL = "poll.awaiting"


def register() -> None:
    registry.register("meeting.scheduled", scheduled)
    registry.register("meeting.updated", changed)
    registry.register("meeting.cancelled", cancelled)
    registry.register("poll.opened", poll_opened)
    registry.register("poll.voted", poll_answered)
    registry.register("poll.closed", poll_closed)
    registry.register_label(INVITED, _("Invitation à une rencontre"))
    registry.register_label(CHANGED, _("Rencontre modifiée"))
    registry.register_label(CANCELLED, _("Rencontre annulée"))
    registry.register_label(POLL, _("Sondage de dates à répondre"))


def _members(space_ids: set[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    for space_id, user_id in (Membership.objects.filter(space_id__in=space_ids,
                                                        user__is_active=True)
                              .values_list("space_id", "user_id")):
        found[space_id].append(user_id)
    return found


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _meeting_items(events: Sequence[Event], *, kind: str, subject: str,
                   invitees: dict[int, set[int]] | None = None) -> list[NewItem]:
    members = _members({int(e.space_id or 0) for e in events})
    items = []
    for event in events:
        meeting = event.payload["meeting"]
        people = (invitees or {}).get(meeting["id"]) or members[int(event.space_id or 0)]
        for user_id in people:
            items.append(NewItem(
                recipient_id=user_id, kind=kind, space_id=int(event.space_id or 0),
                subject=subject.format(id=meeting["id"], sequence=meeting["sequence"]),
                title=meeting["title"], snippet=plain_line(meeting["agenda"], SNIPPET_CHARS),
                target=meeting_target(meeting["space"], meeting["id"]),
                actor_id=event.actor_id, occurs_at=_when(meeting["starts_at"])))
    return items


def scheduled(events: Sequence[Event]) -> list[NewItem]:
    now = timezone.now()
    # A meeting recorded after it took place invites nobody.
    coming = [e for e in events if _when(e.payload["meeting"]["ends_at"]) > now]
    if not coming:
        return []
    # A meeting picked from a date poll invites those who answered the poll.
    invitees: dict[int, set[int]] = defaultdict(set)
    for meeting_id, user_id in (PollVote.objects.filter(
            slot__poll__meeting_id__in=[e.payload["meeting"]["id"] for e in coming])
            .values_list("slot__poll__meeting_id", "user_id").distinct()):
        invitees[meeting_id].add(user_id)
    return _meeting_items(coming, kind=INVITED, subject="meeting:{id}", invitees=invitees)


def changed(events: Sequence[Event]) -> list[NewItem]:
    # Only what a calendar shows (time, place, title, agenda) is worth a notice.
    moved = [e for e in events if set(e.payload["changes"]) & set(CALENDAR_FIELDS)]
    return _meeting_items(moved, kind=CHANGED, subject="meeting:{id}:v{sequence}") if moved else []


def cancelled(events: Sequence[Event]) -> list[NewItem]:
    return _meeting_items(events, kind=CANCELLED, subject="meeting:{id}:cancelled")


def poll_opened(events: Sequence[Event]) -> list[NewItem]:
    members = _members({int(e.space_id or 0) for e in events})
    items = []
    for event in events:
        poll = event.payload["poll"]
        first = min((slot["starts_at"] for slot in poll["slots"]), default=None)
        for user_id in members[int(event.space_id or 0)]:
            items.append(NewItem(
                recipient_id=user_id, kind=POLL, space_id=int(event.space_id or 0),
                subject=f"poll:{poll['id']}", title=poll["title"],
                target=poll_target(poll["space"], poll["id"]), actor_id=event.actor_id,
                occurs_at=_when(first) if first else None))
    return items


def poll_answered(events: Sequence[Event]) -> list[NewItem]:
    # Answering is what the item asked for: it is done, so it leaves the unread count.
    for event in events:
        if not event.payload["first_answer"]:
            continue
        services.mark_subject_read(user_ids=[event.payload["voter"]["id"]],
                                   subject=f"poll:{event.payload['poll']}")
    return []


def poll_closed(events: Sequence[Event]) -> list[NewItem]:
    # Nobody can answer any more: the poll no longer awaits anyone.
    for event in events:
        services.mark_subject_read(subject=f"poll:{event.payload['poll']['id']}")
    return []

