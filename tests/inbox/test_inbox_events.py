"""The inbox's events (inbox.item_added, inbox.read) applied to a client's view of its inbox
give what a fresh fetch gives, through adds, a read, a read-all and a poll answered."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from communities.models import Event, User
from communities.services.discussion import post_message, start_thread
from inbox import selectors, services
from inbox.models import InboxItem
from meetings.models import MeetingMode
from meetings.services.polls import open_poll, vote
from tests.conftest import People
from tests.events_helper import capture_events
from tests.inbox.conftest import schedule


def fetch(user: User) -> dict[str, Any]:
    return {"unread": selectors.unread_count(user),
            "items": {item.pk: item.read_at is None
                      for item in selectors.latest_items(user, limit=500)}}


def apply(state: dict[str, Any], event: Event) -> None:
    data = event.payload
    if event.kind == "inbox.item_added":
        state["items"][data["item"]["id"]] = True
    elif event.kind == "inbox.read":
        for item_id in state["items"] if data["all"] else data["items"]:
            state["items"][item_id] = False
    state["unread"] = data["unread"]


def test_a_client_following_its_stream_sees_what_a_fresh_fetch_shows(people: People) -> None:
    me = people.member
    state = fetch(me)
    with capture_events() as events:
        opened = start_thread(actor=me, space=people.space, title="Automne", body="Bonjour")
        post_message(actor=people.other_member, thread=opened.thread, body="Un @**Marc Membre**")
        schedule(people)
        day = timezone.now() + timedelta(days=7)
        poll = open_poll(actor=people.facilitator, space=people.space, title="Sondage",
                         mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1",
                         slots=[(day, day + timedelta(hours=1)),
                                (day + timedelta(days=1), day + timedelta(days=1, hours=1))],
                         notify_members=False)
    mine = [e for e in events if e.owner_id == me.pk and e.kind.startswith("inbox.")]
    for event in mine:
        apply(state, event)
    assert state == fetch(me) and state["unread"] == 3

    with capture_events() as events:
        services.mark_read(user=me, item_ids=list(InboxItem.objects.filter(recipient=me)
                                                  .order_by("pk").values_list("pk", flat=True)[:1]))
        vote(actor=me, poll=poll, answers=dict.fromkeys(poll.slots.values_list("pk", flat=True),
                                                        "yes"))
    for event in events:
        if event.owner_id == me.pk and event.kind.startswith("inbox."):
            apply(state, event)
    assert state == fetch(me) and state["unread"] == 1

    with capture_events() as events:
        services.mark_all_read(user=me)
    for event in events:
        apply(state, event)
    assert state == fetch(me) == {"unread": 0, "items": dict.fromkeys(state["items"], False)}
