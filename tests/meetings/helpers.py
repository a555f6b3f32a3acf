from __future__ import annotations

from collections.abc import Callable
from typing import Any

from communities.models import Event
from tests.events_helper import verify_action
from tests.meetings.state import apply_meeting_event, fetch_meetings


def verify_meeting_action(space_slug: str, action: Callable[[], Any], *,
                          kinds: list[str]) -> tuple[Any, list[Event]]:
    """verify_action, plus: the client's meetings state updated with the events equals a
    fresh fetch afterwards."""
    before = fetch_meetings(space_slug)
    result, events = verify_action(action, kinds=kinds)
    for event in events:
        if event.kind.startswith(("meeting.", "rsvp.", "attendance.")):
            apply_meeting_event(before, event.kind, event.payload)
    assert before == fetch_meetings(space_slug)
    return result, events
