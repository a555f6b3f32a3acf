"""What a "Oui / Non / Peut-être" button of a meeting email stores in its join-back link.

Kept apart from the action itself (``meetings.link_actions``, which calls the RSVP service):
mail is built by modules the RSVP service depends on, so they must be able to name the action
without importing that service.
"""

from __future__ import annotations

from emails import actions

RSVP = "rsvp"


def rsvp_effect(*, answer: str, meeting_id: int) -> str:
    return actions.effect(RSVP, f"{answer}:{int(meeting_id)}")


def parse_rsvp(argument: str) -> tuple[str, int] | None:
    """(answer, meeting id) from the stored argument; None when it is not one."""
    answer, _sep, meeting_id = argument.partition(":")
    if not meeting_id.isascii() or not meeting_id.isdigit():
        return None
    return answer, int(meeting_id)
