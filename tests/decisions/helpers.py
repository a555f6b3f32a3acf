"""A meeting and a thread of the ``people`` space to record decisions and actions from."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from communities.models import Thread
from communities.services.discussion import start_thread
from decisions.models import ActionItem
from decisions.services import records
from decisions.services.validation import today
from meetings.models import Meeting
from tests.conftest import People
from tests.meetings.conftest import make_past, schedule


def held_meeting(people: People) -> Meeting:
    return make_past(schedule(people, title="Comité de planification — bilan"))


def a_thread(people: People) -> Thread:
    return start_thread(actor=people.member, space=people.space, title="Déneigement des trottoirs",
                        body="Qui a une politique écrite ?").thread


def in_days(days: int) -> date:
    return today() + timedelta(days=days)


def an_action(people: People, source: Meeting | Thread, **overrides: Any) -> ActionItem:
    arguments: dict[str, Any] = {
        "what": "Envoyer le gabarit de politique", "due_on": in_days(7),
        "assignee_ids": [people.member.pk],
    }
    arguments.update(overrides)
    if isinstance(source, Meeting):
        return records.create_action(actor=people.facilitator, space=people.space,
                                     meeting=source, **arguments)
    return records.create_action(actor=people.member, space=people.space, thread=source,
                                 **arguments)
