"""Load demo/decisions_data.py through decisions.services, for ``manage.py load_demo``. Each
record is found again by its meeting and text, so a second run leaves it as it is."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from communities.models import Space, User
from decisions.models import ActionItem, Decision
from decisions.services import records
from decisions.services.validation import today
from demo import decisions_data as data
from meetings.models import Meeting
from meetings.timezones import local


def load_decisions(*, people: dict[str, User], spaces: dict[str, Space], organiser: User,
                   created: Counter[str], kept: Counter[str]) -> None:
    """``organiser`` facilitates every demo space and keeps the meetings' minutes."""
    for seed in data.DECISIONS:
        meeting = Meeting.objects.get(space=spaces[seed.space], title=seed.meeting)
        if Decision.objects.filter(meeting=meeting, text=seed.text).exists():
            kept["décisions"] += 1
            continue
        records.record_decision(actor=organiser, space=meeting.space, meeting=meeting,
                                text=seed.text, decided_on=local(meeting.starts_at).date())
        created["décisions"] += 1
    for action_seed in data.ACTIONS:
        meeting = Meeting.objects.get(space=spaces[action_seed.space], title=action_seed.meeting)
        if ActionItem.objects.filter(meeting=meeting, what=action_seed.what).exists():
            kept["suivis"] += 1
            continue
        action = records.create_action(
            actor=organiser, space=meeting.space, meeting=meeting, what=action_seed.what,
            assignee_ids=[people[email].pk for email in action_seed.assignees],
            due_on=today() + timedelta(days=action_seed.due_in_days))
        if action_seed.status != action.status:
            records.change_action_status(actor=organiser, action=action,
                                         status=action_seed.status)
        created["suivis"] += 1
