"""The JSON shape of a meeting and its answers, shared by event payloads, the API and
live.js. No email addresses (see communities.serializers)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from communities.serializers import person
from meetings.models import Meeting


def meeting_data(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "space": meeting.space.slug,
        "title": meeting.title,
        "agenda": meeting.agenda,
        "agenda_html": meeting.agenda_html,
        # Always UTC, whatever zone the caller's datetime was in: clients compare strings.
        "starts_at": meeting.starts_at.astimezone(UTC).isoformat(),
        "ends_at": meeting.ends_at.astimezone(UTC).isoformat(),
        "mode": meeting.mode,
        "address": meeting.address,
        "video_url": meeting.video_url,
        "capacity": meeting.capacity,
        "documents": sorted(d.pk for d in meeting.documents.all()),
        "sequence": meeting.sequence,
        "cancelled": meeting.cancelled_at is not None,
        "cancellation_note": meeting.cancellation_note,
        "created_by": person(meeting.created_by) if meeting.created_by else None,
    }


def counts_data(counts: dict[str, int]) -> dict[str, int]:
    return {key: counts.get(key, 0) for key in ("yes", "maybe", "no", "waiting")}
