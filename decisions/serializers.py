"""The JSON shapes of decisions and action items, shared by event payloads and the API."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from communities.serializers import person
from decisions.models import ActionItem, Decision


def _source(record: Decision | ActionItem) -> dict[str, Any]:
    slug = record.space.slug
    if record.meeting_id:
        return {"kind": "meeting", "id": record.meeting_id,
                "url": reverse("meeting", args=[slug, record.meeting_id])}
    return {"kind": "thread", "id": record.thread_id,
            "url": reverse("thread", args=[slug, record.thread_id])}


def decision_data(decision: Decision) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "text": decision.text,
        "decided_on": decision.decided_on.isoformat(),
        "source": _source(decision),
        "recorded_by": person(decision.recorded_by) if decision.recorded_by else None,
        "created_at": decision.created_at.isoformat(),
        "updated_at": decision.updated_at.isoformat(),
    }


def action_data(action: ActionItem) -> dict[str, Any]:
    """``assignees`` must be prefetched (ordered by id) by the caller that lists many."""
    return {
        "id": action.pk,
        "what": action.what,
        "assignees": [person(user) for user in sorted(action.assignees.all(),
                                                      key=lambda u: u.pk)],
        "due_on": action.due_on.isoformat(),
        "status": action.status,
        "source": _source(action),
        "created_by": person(action.created_by) if action.created_by else None,
        "created_at": action.created_at.isoformat(),
        "updated_at": action.updated_at.isoformat(),
    }


def assignee_ids_of(action: ActionItem) -> list[int]:
    return sorted(user.pk for user in action.assignees.all())
