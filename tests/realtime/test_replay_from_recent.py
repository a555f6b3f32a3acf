"""Replays served from the frames the hub keeps (realtime.recent): a storm of clients resuming
the same missed events reads the log once, each client still gets every event exactly once
and in order, across what was kept and what the log adds, and neither a deleted message's
words nor a removed person get through."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections

from communities.models import Space
from communities.services.discussion import post_message, start_thread
from communities.services.moderation import delete_message
from communities.services.spaces import remove_member
from realtime import store
from realtime.hub import get_hub, stop_hub
from realtime.link import Link
from tests.realtime.ws_helper import connect, frame

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = "Mon adresse : 12 rue des Érables"


@pytest.fixture(autouse=True)
async def _fresh_hub():
    yield
    await stop_hub()
    await sync_to_async(connections.close_all)()


@pytest.fixture
def log_reads(monkeypatch) -> list[tuple[int, int | None]]:
    """The (after, upto) of every read of the log the hub makes, the reads themselves real."""
    reads: list[tuple[int, int | None]] = []
    real = store.events_between

    async def counted(key, label, after, upto, limit):
        reads.append((after, upto))
        return await real(key, label, after, upto, limit)

    monkeypatch.setattr(store, "events_between", counted)
    return reads


@sync_to_async
def head() -> int:
    return Space.objects.get(slug="rma").event_head


@sync_to_async
def posted(people, count: int, *, body: str = "Message") -> None:
    thread = start_thread(actor=people.member, space=people.space, title="Fil", body=body).thread
    for number in range(1, count):
        post_message(actor=people.member, thread=thread, body=f"{body} {number}")


async def resumed(user, after: int) -> tuple[WebsocketCommunicator, list[dict]]:
    """A client resuming from ``after``: its connection and the events up to the head."""
    ws = await connect(user)
    await ws.send_json_to({"type": "subscribe", "space": "rma", "after": after})
    subscribed = await frame(ws)
    assert subscribed["type"] == "subscribed"
    return ws, [await frame(ws) for _ in range(subscribed["head"] - after)]


async def test_a_storm_of_clients_resuming_the_same_events_reads_the_log_once(people,
                                                                               log_reads):
    await posted(people, 8)
    last = await head()
    clients = await asyncio.gather(*(resumed(user, 0) for user in
                                     [people.member, people.other_member,
                                      people.facilitator] * 4))
    for ws, events in clients:
        assert [e["seq"] for e in events] == list(range(1, last + 1))
        await ws.disconnect()
    assert log_reads == [(0, last)]


async def test_resuming_across_what_was_kept_and_what_came_since_is_exactly_once(people,
                                                                                 log_reads):
    await posted(people, 4)
    before = await head()
    ws, _ = await resumed(people.other_member, 0)
    await ws.disconnect()  # kept after the last subscriber leaves
    await posted(people, 3, body="Plus tard")
    now = await head()
    ws, events = await resumed(people.other_member, 0)
    assert [e["seq"] for e in events] == list(range(1, now + 1))
    assert [e["data"]["message"]["body"].startswith("Plus tard") for e in events
            if e["kind"] == "message.created"] == [False] * 3 + [True] * 2
    # The second replay read only what the kept frames did not have.
    assert log_reads == [(0, before), (before, now)]
    await ws.disconnect()


async def test_a_deleted_messages_words_are_not_replayed_from_memory(people):
    thread = await sync_to_async(lambda: start_thread(
        actor=people.member, space=people.space, title="Coordonnées", body=WORDS))()
    await posted(people, 3)
    ws, events = await resumed(people.other_member, 0)
    assert any(WORDS in str(e) for e in events)  # kept in memory with the words
    await ws.disconnect()
    await sync_to_async(delete_message)(actor=people.member, message=thread.message)
    ws, events = await resumed(people.other_member, 0)
    assert [e["seq"] for e in events] == list(range(1, await head() + 1))
    assert events[-1]["kind"] == "message.deleted"
    assert not any(WORDS in str(e) or "Érables" in str(e) for e in events)
    await ws.disconnect()


async def test_a_removed_person_gets_nothing_from_memory_and_the_others_see_the_removal(
        people, log_reads):
    await posted(people, 3)
    ws, _ = await resumed(people.other_member, 0)
    await ws.disconnect()
    await sync_to_async(remove_member)(actor=people.facilitator, space=people.space,
                                       member=people.other_member)
    gone = await connect(people.other_member)
    await gone.send_json_to({"type": "subscribe", "space": "rma", "after": 0})
    refused = await frame(gone)
    assert (refused["type"], refused["code"]) == ("error", "not_found")
    await gone.disconnect()
    ws, events = await resumed(people.member, 0)
    assert [e["seq"] for e in events] == list(range(1, await head() + 1))
    removals = [e for e in events if e["kind"] == "member.removed"]
    assert [e["data"]["member"]["id"] for e in removals] == [people.other_member.pk]
    assert len(log_reads) == 2  # the kept frames, then only the removal from the log
    await ws.disconnect()


async def test_bounds_read_before_joining_reach_what_the_hub_delivered_meanwhile(people):
    """The consumer reads a space's bounds with its access check, before the hub registers
    the link: events the hub delivered in between come from the log, once."""
    hub = await get_hub()
    watcher = await connect(people.member)
    await watcher.send_json_to({"type": "subscribe", "space": "rma"})
    assert (await frame(watcher))["type"] == "subscribed"
    stale = await store.bounds(("space", people.space.pk))
    await posted(people, 3)
    last = await head()
    for _ in range(last - stale.head):  # delivered live to the watcher, so by this hub
        assert (await frame(watcher))["type"] == "event"
    assert hub.streams[("space", people.space.pk)].delivered == last

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    async def close(code: int) -> None:
        pass

    link = Link(user_id=people.other_member.pk, send_message=send, close=close,
                max_pending=100, display_name="Noémie")
    hub.attach(link)
    await hub.subscribe(link, ("space", people.space.pk), "rma", stale.head, bounds=stale)
    texts = [m["text"] for m in sent]
    assert f'"type":"subscribed","space":"rma","head":{last}' in texts[0]
    seqs = [int(t.split('"seq":')[1].split(",")[0]) for t in texts if '"type":"event"' in t]
    assert seqs == list(range(stale.head + 1, last + 1))
    await hub.detach(link)
    await watcher.disconnect()
