"""A client's view of a space's meetings, rebuilt from events and compared with a fresh
fetch: the meeting counterpart of tests/events_helper.fetch_state."""

from __future__ import annotations

from typing import Any

from meetings.models import Meeting, Rsvp
from meetings.serializers import meeting_data
from meetings.services.attendance import attendance_data
from meetings.services.waiting_list import rsvp_counts


def fetch_meetings(space_slug: str) -> dict[int, Any]:
    state: dict[int, Any] = {}
    for meeting in (Meeting.objects.filter(space__slug=space_slug)
                    .select_related("space", "created_by").prefetch_related("documents")):
        state[meeting.pk] = {
            "meeting": meeting_data(meeting),
            "counts": rsvp_counts(meeting),
            "answers": {r.user_id: (r.answer, r.waitlisted_at is not None)
                        for r in Rsvp.objects.filter(meeting=meeting)},
            "attendance": attendance_data(meeting) if meeting.attendance_recorded_at else None,
        }
    return state


def apply_meeting_event(state: dict[int, Any], kind: str, data: dict[str, Any]) -> None:
    if kind == "meeting.scheduled":
        state[data["meeting"]["id"]] = {"meeting": data["meeting"],
                                        "counts": {"yes": 0, "maybe": 0, "no": 0, "waiting": 0},
                                        "answers": {}, "attendance": None}
    elif kind in {"meeting.updated", "meeting.cancelled"}:
        state[data["meeting"]["id"]]["meeting"] = data["meeting"]
    elif kind == "rsvp.changed":
        entry = state[data["meeting"]]
        entry["answers"][data["member"]["id"]] = (data["answer"], data["waiting"])
        entry["counts"] = data["counts"]
    elif kind == "attendance.recorded":
        state[data["meeting"]]["attendance"] = data["attendance"]
    else:
        raise AssertionError(f"not a meeting event: {kind}")
