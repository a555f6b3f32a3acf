"""The JSON shape of a date poll, shared by its events and the results page's script. Only
display names, never email addresses."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC
from typing import Any

from meetings.models.polls import DatePoll, PollAnswer, PollSlot, PollVote


def slot_data(slot: PollSlot) -> dict[str, Any]:
    # Always in UTC, whatever zone the instant was built in: the same slot must serialise
    # the same way in an event and in a fresh fetch.
    return {"id": slot.pk, "starts_at": slot.starts_at.astimezone(UTC).isoformat(),
            "ends_at": slot.ends_at.astimezone(UTC).isoformat()}


def poll_data(poll: DatePoll, slots: Iterable[PollSlot]) -> dict[str, Any]:
    return {
        "id": poll.pk,
        "space": poll.space.slug,
        "title": poll.title,
        "mode": str(poll.mode),
        "slots": [slot_data(slot) for slot in slots],
        "closed": poll.closed_at is not None,
        "chosen_slot": poll.chosen_slot_id,
        "meeting": poll.meeting_id,
    }


def tally_data(slots: Iterable[PollSlot], votes: Iterable[PollVote]) -> dict[str, dict[str, int]]:
    """slot id (as a JSON key) -> how many answered yes, if needed, no."""
    tally = {str(slot.pk): {answer: 0 for answer in PollAnswer.values} for slot in slots}
    for vote in votes:
        tally[str(vote.slot_id)][vote.answer] += 1
    return tally
