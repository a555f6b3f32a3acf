"""Items from decisions and action items: an action was assigned to me (or re-assigned with
me among its people), an action of my space is overdue (for those who run the space). An
action done or deleted leaves the unread count. Reads come from the events' payloads, which
carry ``assignee_ids`` for exactly this, plus one query per batch for the facilitators."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communities.models import MANAGING_ROLES, Event, Membership
from meetings.timezones import MEETING_TIME_ZONE

if TYPE_CHECKING:
    from inbox.registry import NewItem

ASSIGNED = "action.assigned"
OVERDUE = "action.overdue"


def register() -> None:
    from inbox import registry

    registry.register("action.created", created)
    registry.register("action.updated", reassigned)
    registry.register("action.status_changed", status_changed)
    registry.register("action.deleted", deleted)
    registry.register("action.overdue", overdue)
    registry.register_label(ASSIGNED, _("Action qui vous est confiée"))
    registry.register_label(OVERDUE, _("Action en retard"))


def _target(slug: str, action_id: int) -> str:
    return f"{reverse('decisions:register', args=[slug])}#action-{action_id}"


def _due(action: dict[str, object]) -> datetime:
    return datetime.combine(date.fromisoformat(str(action["due_on"])), time(12),
                            tzinfo=MEETING_TIME_ZONE)


def _slug(action: dict[str, object]) -> str:
    # The source's URL starts with /espaces/<slug>/.
    return str(action["source"]["url"]).split("/")[2]  # type: ignore[index]


def _assigned(events: Sequence[Event]) -> list[NewItem]:
    from inbox.registry import NewItem

    items = []
    for event in events:
        action = event.payload["action"]
        for user_id in event.payload["assignee_ids"]:
            if user_id == event.actor_id:
                continue  # one does not need telling what one took on oneself
            items.append(NewItem(
                recipient_id=user_id, kind=ASSIGNED, space_id=int(event.space_id or 0),
                subject=f"action:{action['id']}", title=action["what"],
                target=_target(_slug(action), action["id"]), actor_id=event.actor_id,
                occurs_at=_due(action)))
    return items


def created(events: Sequence[Event]) -> list[NewItem]:
    return _assigned(events)


def reassigned(events: Sequence[Event]) -> list[NewItem]:
    # Only a change of people is news to them; (recipient, subject) is unique, so those
    # already told are not told twice.
    return _assigned([e for e in events if "assignees" in e.payload["changes"]])


def status_changed(events: Sequence[Event]) -> list[NewItem]:
    from inbox import services

    for event in events:
        if event.payload["status"] == "done":
            services.mark_subject_read(subject=f"action:{event.payload['action']['id']}")
            services.mark_subject_read(
                subject=f"action:{event.payload['action']['id']}:overdue")
    return []


def deleted(events: Sequence[Event]) -> list[NewItem]:
    from inbox import services

    for event in events:
        services.mark_subject_read(subject=f"action:{event.payload['action']['id']}")
        services.mark_subject_read(subject=f"action:{event.payload['action']['id']}:overdue")
    return []


def overdue(events: Sequence[Event]) -> list[NewItem]:
    from inbox.registry import NewItem

    managers: dict[int, list[int]] = defaultdict(list)
    for space_id, user_id in Membership.objects.filter(
            space_id__in={int(e.space_id or 0) for e in events}, user__is_active=True,
            role__in=list(MANAGING_ROLES)).values_list("space_id", "user_id"):
        managers[space_id].append(user_id)
    items = []
    for event in events:
        action = event.payload["action"]
        for user_id in managers[int(event.space_id or 0)]:
            items.append(NewItem(
                recipient_id=user_id, kind=OVERDUE, space_id=int(event.space_id or 0),
                subject=f"action:{action['id']}:overdue", title=action["what"],
                target=_target(_slug(action), action["id"]), occurs_at=_due(action)))
    return items
