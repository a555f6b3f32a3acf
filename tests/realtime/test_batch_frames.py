"""Events waiting together for a stream go out as one ``batch`` frame to connections that speak
the protocol's version 2, one frame per event to the others; either way every event arrives
once and in seq order, across a reconnect in the middle of a batch, a revocation inside one,
and a subscription whose replay runs while batches go out."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections

from collab.routing import websocket_application
from communities.services.discussion import post_message, start_thread
from communities.services.spaces import remove_member
from realtime import store
from realtime.frames import BATCH_MAX_BYTES, BATCH_MAX_EVENTS, PROTOCOL_V2, batch_frame
from realtime.hub import Hub, Incoming, _runs, get_hub, stop_hub
from realtime.link import Link
from tests.realtime import ws_helper
from tests.realtime.peers import Peer
from tests.waiting import async_wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def events_of(peer: Peer) -> list[dict]:
    """Every event a client applies, in order: a batch's events one by one."""
    found = []
    for frame in peer.received:
        if frame["type"] == "event":
            found.append(frame)
        elif frame["type"] == "batch":
            found.extend(frame["events"])
    return found


def link_for(hub: Hub, user_id: int, peer: Peer, *, batches: bool) -> Link:
    link = Link(user_id=user_id, send_message=peer.send_message, close=peer.close,
                max_pending=2000, batches=batches)
    hub.attach(link)
    return link


async def _communicator(user, protocols: list[str]) -> WebsocketCommunicator:
    from communities.services.accounts import issue_realtime_ticket

    ticket, _ = await sync_to_async(issue_realtime_ticket)(user=user)
    return WebsocketCommunicator(websocket_application, f"/ws/?ticket={ticket}",
                                 subprotocols=protocols)


async def _post(people, thread, bodies: list[str]) -> None:
    for body in bodies:
        await sync_to_async(post_message)(actor=people.other_member, thread=thread, body=body)


async def _announce(hub: Hub, key, after: int, upto: int | None = None) -> list[int]:
    """Hand the hub, in one go, the notifications of the events after ``after``: what its
    receive loop does when several wait in the channel layer."""
    stored = await store.events_between(key, "rma", after, upto, 100)
    for event in stored:
        hub._on_published({"type": "hub.event", "stream": list(key), "seq": event.seq,
                           "frame": event.frame, "revokes": event.revokes})
    return [event.seq for event in stored]


async def _delivered(hub: Hub, key, seq: int) -> None:
    await async_wait_until(lambda: hub.streams[key].delivered >= seq
                           and hub.streams[key].courier is None,
                           message=f"the hub never delivered {seq}")


def test_a_batch_is_the_events_texts_joined_in_order():
    events = ['{"type":"event","space":"rma","seq":4,"kind":"k","data":{"body":"é"}}',
              '{"type":"event","space":"rma","seq":5,"kind":"k","data":{}}']
    assert json.loads(batch_frame("rma", events)) == {
        "type": "batch", "space": "rma", "events": [json.loads(e) for e in events]}


def test_batches_are_bounded_and_end_after_a_revoking_event():
    many = [Incoming(seq, "x" * 10, None) for seq in range(1, 2 * BATCH_MAX_EVENTS + 2)]
    assert [len(run) for run in _runs(many)] == [BATCH_MAX_EVENTS, BATCH_MAX_EVENTS, 1]
    big = [Incoming(seq, "é" * (BATCH_MAX_BYTES // 5), None) for seq in range(1, 6)]
    # Two bytes a character: two events fill a batch's bytes.
    assert [len(run) for run in _runs(big)] == [2, 2, 1]
    assert [len(run) for run in _runs([Incoming(1, "x" * 2 * BATCH_MAX_BYTES, None)])] == [1]
    label = "é" * 100
    sized = [Incoming(seq, f'{{"type":"event","seq":{seq},"data":"{"x" * 997}"}}', None)
             for seq in range(1, 200)]
    runs = list(_runs(sized))
    assert [e.seq for run in runs for e in run] == list(range(1, 200))
    assert all(len(batch_frame(label, [e.frame for e in run]).encode()) <= BATCH_MAX_BYTES
               for run in runs)
    revoking = [Incoming(1, "a", None), Incoming(2, "b", 7), Incoming(3, "c", None)]
    assert [[e.seq for e in run] for run in _runs(revoking)] == [[1, 2], [3]]


async def test_waiting_events_make_one_batch_for_v2_and_single_frames_for_v1(people):
    hub = Hub(None, audit_seconds=60)
    key = ("space", people.space.pk)
    v2, v1 = Peer(), Peer()
    try:
        thread = (await sync_to_async(start_thread)(actor=people.other_member,
                                                    space=people.space, title="T",
                                                    body="0")).thread
        await hub.subscribe(link_for(hub, people.member.pk, v2, batches=True), key, "rma",
                            after=None)
        await hub.subscribe(link_for(hub, people.facilitator.pk, v1, batches=False), key,
                            "rma", after=None)
        head = hub.streams[key].delivered
        await _post(people, thread, ["un"])
        assert await _announce(hub, key, head) == [head + 1]
        await _delivered(hub, key, head + 1)
        # One event waiting: the same frame as ever, for both.
        assert v2.received[-1]["type"] == v1.received[-1]["type"] == "event"

        await _post(people, thread, ["deux", "trois", "quatre"])
        await _announce(hub, key, head + 1)
        await _delivered(hub, key, head + 4)
        batch = v2.received[-1]
        assert batch["type"] == "batch" and batch["space"] == "rma"
        assert [e["seq"] for e in batch["events"]] == [head + 2, head + 3, head + 4]
        assert [e["data"]["message"]["body"] for e in batch["events"]] == [
            "deux", "trois", "quatre"]
        assert [f["type"] for f in v1.received[-3:]] == ["event"] * 3
        for peer in (v2, v1):
            assert [e["seq"] for e in events_of(peer)] == list(range(head + 1, head + 5))
        # The batch is the single frames' texts: the same events either way.
        assert events_of(v2) == events_of(v1)
    finally:
        await hub.stop()
        await sync_to_async(connections.close_all)()


async def test_a_client_that_reconnects_mid_batch_gets_the_rest_once_and_in_order(people):
    """The client applied the first events of a batch, then its connection dropped: it
    resumes from the last one it applied while later batches keep going out."""
    hub = Hub(None, audit_seconds=60)
    key = ("space", people.space.pk)
    first, other = Peer(), Peer()
    try:
        thread = (await sync_to_async(start_thread)(actor=people.other_member,
                                                    space=people.space, title="T",
                                                    body="0")).thread
        link = link_for(hub, people.member.pk, first, batches=True)
        await hub.subscribe(link, key, "rma", after=None)
        await hub.subscribe(link_for(hub, people.facilitator.pk, other, batches=True), key,
                            "rma", after=None)
        head = hub.streams[key].delivered
        await _post(people, thread, [f"a{i}" for i in range(5)])
        await _announce(hub, key, head)
        await _delivered(hub, key, head + 5)
        batch = first.received[-1]
        assert [e["seq"] for e in batch["events"]] == list(range(head + 1, head + 6))
        applied = batch["events"][2]["seq"]
        await hub.detach(link)

        # Back, from the third event of the batch; more events are posted and announced
        # while its replay reads the log, so they reach it through its replay buffer.
        again = Peer()
        returning = link_for(hub, people.member.pk, again, batches=True)
        await _post(people, thread, [f"b{i}" for i in range(4)])
        resuming = asyncio.get_running_loop().create_task(
            hub.subscribe(returning, key, "rma", after=applied))
        await asyncio.sleep(0)  # registered, its replay not read yet
        assert returning in hub.streams[key].pending
        await _announce(hub, key, head + 5)
        await resuming
        await _post(people, thread, [f"c{i}" for i in range(3)])
        await _announce(hub, key, head + 9)
        await _delivered(hub, key, head + 12)

        assert again.received[0]["type"] == "subscribed"
        assert [e["seq"] for e in events_of(again)] == list(range(applied + 1, head + 13))
        assert again.received[-1]["type"] == "batch"  # live again, batches again
        assert [e["seq"] for e in events_of(other)] == list(range(head + 1, head + 13))
        assert [e["data"]["message"]["body"] for e in events_of(other)] == [
            *(f"a{i}" for i in range(5)), *(f"b{i}" for i in range(4)),
            *(f"c{i}" for i in range(3))]
    finally:
        await hub.stop()
        await sync_to_async(connections.close_all)()


async def test_a_member_removed_inside_a_batch_gets_it_up_to_the_removal_only(people):
    hub = Hub(None, audit_seconds=60)
    key = ("space", people.space.pk)
    removed, staying = Peer(), Peer()
    try:
        thread = (await sync_to_async(start_thread)(actor=people.other_member,
                                                    space=people.space, title="T",
                                                    body="0")).thread
        await hub.subscribe(link_for(hub, people.member.pk, removed, batches=True), key,
                            "rma", after=None)
        await hub.subscribe(link_for(hub, people.facilitator.pk, staying, batches=True), key,
                            "rma", after=None)
        head = hub.streams[key].delivered
        await _post(people, thread, ["avant"])
        await sync_to_async(remove_member)(actor=people.facilitator, space=people.space,
                                           member=people.member)
        await _post(people, thread, ["après"])
        seqs = await _announce(hub, key, head)
        await _delivered(hub, key, seqs[-1])

        kinds = [e["kind"] for e in events_of(removed)]
        assert kinds[-1] == "member.removed"
        assert [e["seq"] for e in events_of(removed)] == seqs[:len(kinds)]
        assert removed.received[-1]["type"] == "error"
        assert removed.received[-1]["code"] == "forbidden"
        assert [e["seq"] for e in events_of(staying)] == seqs
    finally:
        await hub.stop()
        await sync_to_async(connections.close_all)()


async def test_the_connection_chooses_the_version_and_v1_never_gets_a_batch(people):
    """Through the consumer: ``espace.v2`` asked as the subprotocol is accepted and turns
    batches on for that connection only."""
    v2 = await _communicator(people.member, ["autre", PROTOCOL_V2])
    v1 = await _communicator(people.facilitator, ["autre"])
    try:
        assert await v2.connect(timeout=5) == (True, PROTOCOL_V2)
        assert await v1.connect(timeout=5) == (True, None)
        hub = await get_hub()
        assert sorted(link.batches for link in hub.links) == [False, True]
        thread = (await sync_to_async(start_thread)(actor=people.other_member,
                                                    space=people.space, title="T",
                                                    body="0")).thread
        for communicator in (v2, v1):
            await communicator.send_json_to({"type": "subscribe", "space": "rma"})
            assert (await ws_helper.frame(communicator))["type"] == "subscribed"
        key = ("space", people.space.pk)
        head = hub.streams[key].delivered
        # Hold the notifications back, as a busy channel layer would, and hand them over
        # together; the audit would otherwise deliver them from the log meanwhile.
        held: list[dict] = []
        real = hub._on_published
        hub._on_published = held.append  # type: ignore[method-assign,assignment]

        async def no_audit() -> None:
            return None

        hub.audit = no_audit  # type: ignore[method-assign]
        await _post(people, thread, ["un", "deux", "trois"])
        if hub.layer is not None:
            await async_wait_until(lambda: len(held) == 3, message="notifications lost")
        hub._on_published = real  # type: ignore[method-assign]
        await _announce(hub, key, head)
        batch = await ws_helper.frame(v2)
        assert batch["type"] == "batch"
        assert [e["seq"] for e in batch["events"]] == [head + 1, head + 2, head + 3]
        singles = [await ws_helper.frame(v1) for _ in range(3)]
        assert [(f["type"], f["seq"]) for f in singles] == [
            ("event", head + 1), ("event", head + 2), ("event", head + 3)]
        assert [f["data"] for f in singles] == [e["data"] for e in batch["events"]]
    finally:
        for communicator in (v2, v1):
            await communicator.disconnect()
        await stop_hub()
        await sync_to_async(connections.close_all)()


async def test_a_notification_racing_a_catch_up_from_the_log_is_delivered_once(people):
    """The audit reads the log while the event's notification arrives: whichever delivers it
    first, the other must not deliver it again (the check is made under the stream's lock,
    after waiting for it, not before)."""
    hub = Hub(None, audit_seconds=60)
    key = ("space", people.space.pk)
    peer = Peer()
    try:
        thread = (await sync_to_async(start_thread)(actor=people.other_member,
                                                    space=people.space, title="T",
                                                    body="0")).thread
        await hub.subscribe(link_for(hub, people.member.pk, peer, batches=True), key, "rma",
                            after=None)
        stream = hub.streams[key]
        head = stream.delivered
        await _post(people, thread, ["un"])
        (event,) = await store.events_between(key, "rma", head, None, 10)
        await stream.catch_up.acquire()  # a dispatch in progress
        catching_up = asyncio.get_running_loop().create_task(hub._catch_up(stream))
        await asyncio.sleep(0)  # the catch-up now waits for the lock
        stream.catch_up.release()
        # The lock is free but promised to the catch-up, which has not run yet.
        assert not stream.catch_up.locked()
        hub._on_published({"type": "hub.event", "stream": list(key), "seq": event.seq,
                           "frame": event.frame})
        await catching_up
        await _delivered(hub, key, head + 1)
        await asyncio.sleep(0.05)
        assert [e["seq"] for e in events_of(peer)] == [head + 1]
    finally:
        await hub.stop()
        await sync_to_async(connections.close_all)()
