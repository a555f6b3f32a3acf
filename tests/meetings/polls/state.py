"""A client's view of one date poll, rebuilt from its events and compared with a fresh fetch:
the poll counterpart of tests/events_helper.fetch_state."""

from __future__ import annotations

from typing import Any

from meetings.models.polls import DatePoll, PollVote
from meetings.polls.serializers import poll_data, tally_data


def fetch_poll(poll_id: int) -> dict[str, Any]:
    poll = DatePoll.objects.select_related("space").get(pk=poll_id)
    slots = list(poll.slots.all())
    votes = list(PollVote.objects.filter(slot__poll=poll))
    answers: dict[int, dict[str, str]] = {}
    for vote in votes:
        answers.setdefault(vote.user_id, {})[str(vote.slot_id)] = vote.answer
    return {"poll": poll_data(poll, slots), "tally": tally_data(slots, votes),
            "answers": answers, "respondents": len(answers)}


def apply_poll_event(state: dict[str, Any], kind: str, data: dict[str, Any]) -> None:
    if kind == "poll.opened":
        slots = data["poll"]["slots"]
        state.update(poll=data["poll"], answers={}, respondents=0,
                     tally={str(s["id"]): {"yes": 0, "if_needed": 0, "no": 0} for s in slots})
    elif kind == "poll.voted":
        assert data["poll"] == state["poll"]["id"]
        state["answers"][data["voter"]["id"]] = data["answers"]
        state["tally"] = data["tally"]
        state["respondents"] = data["respondents"]
    elif kind == "poll.closed":
        state["poll"] = data["poll"]
        assert data["poll"]["chosen_slot"] == (data["slot"]["id"] if data["slot"] else None)
    elif kind.startswith("meeting."):
        pass  # the meeting has its own client state (the meetings tests)
    else:
        raise AssertionError(f"not a poll event: {kind}")
