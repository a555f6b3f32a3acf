"""Delivering inbox items costs the same queries for 3 recipients as for 200: a post that
names the whole space, a meeting or a poll in a big space is a few bulk writes, never a
query per person."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import TestCase

from communities import events as event_log
from communities.models import Event
from communities.services.discussion import post_message, start_thread
from inbox import dispatch
from inbox.models import InboxItem
from tests.conftest import People
from tests.inbox.conftest import add_members, schedule
from tests.queries import queries_of


def _delivery_cost(action: Callable[[], Any]) -> int:
    """Queries of handing the action's committed events to the inbox (the action itself is
    not counted: its cost is pinned where it lives)."""
    before = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    action()
    event_log._pending.clear()
    emitted = list(Event.objects.filter(pk__gt=before).order_by("pk"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        return queries_of(lambda: dispatch.on_committed(emitted))


def test_a_mention_of_everyone_costs_the_same_for_3_or_200_members(people: People) -> None:
    opened = start_thread(actor=people.member, space=people.space, title="Automne", body="Oui")
    small = _delivery_cost(lambda: post_message(actor=people.facilitator,
                                                thread=opened.thread, body="@space bonjour"))
    add_members(people, 200)
    large = _delivery_cost(lambda: post_message(actor=people.facilitator,
                                                thread=opened.thread, body="@space rebonjour"))
    assert large == small <= 14
    assert InboxItem.objects.filter(kind="mention").count() == 2 + 202


def test_a_meeting_costs_the_same_for_3_or_200_members(people: People) -> None:
    small = _delivery_cost(lambda: schedule(people))
    add_members(people, 200)
    large = _delivery_cost(lambda: schedule(people, title="Deuxième rencontre"))
    assert large == small <= 12
    assert InboxItem.objects.filter(kind="meeting.invited").count() == 2 + 202
