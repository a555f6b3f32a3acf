"""Under load a stream sends at most once per batch window, what came meanwhile together; a
stream quiet for a window sends at once. Every event still arrives once and in order."""

from __future__ import annotations

import asyncio
import time

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from communities.services.discussion import post_message, start_thread
from realtime import store
from realtime.hub import Hub
from realtime.link import Link
from tests.realtime.peers import Peer
from tests.waiting import async_wait_until

pytestmark = pytest.mark.django_db(transaction=True)

#: Long enough that a busy machine cannot blur "at once" and "after the window".
WINDOW = 0.6


class Timed(Peer):
    """A peer that keeps its event and batch frames apart, with when each came."""

    def __init__(self) -> None:
        super().__init__()
        self.frames: list[dict] = []
        self.times: list[float] = []

    async def send_message(self, message: dict) -> None:
        await super().send_message(message)
        if self.received[-1]["type"] in ("event", "batch"):
            self.frames.append(self.received[-1])
            self.times.append(time.monotonic())


def events_of(peer: Timed) -> list[int]:
    seqs = []
    for frame in peer.frames:
        if frame["type"] == "event":
            seqs.append(frame["seq"])
        elif frame["type"] == "batch":
            seqs.extend(e["seq"] for e in frame["events"])
    return seqs


async def test_a_busy_stream_sends_once_per_window_and_a_quiet_one_at_once(people):
    hub = Hub(None, audit_seconds=60)
    hub.batch_window = WINDOW
    key = ("space", people.space.pk)
    v2, v1 = Timed(), Timed()
    announced = 0

    async def post_and_announce(body: str) -> float:
        nonlocal announced
        await sync_to_async(post_message)(actor=people.other_member, thread=thread, body=body)
        for event in await store.events_between(key, "rma", announced, None, 100):
            hub._on_published({"type": "hub.event", "stream": list(key), "seq": event.seq,
                               "frame": event.frame, "revokes": event.revokes})
            announced = event.seq
        return time.monotonic()

    try:
        thread = (await sync_to_async(start_thread)(actor=people.other_member,
                                                    space=people.space, title="T",
                                                    body="0")).thread
        for peer, user, batches in ((v2, people.member, True), (v1, people.facilitator, False)):
            link = Link(user_id=user.pk, send_message=peer.send_message, close=peer.close,
                        max_pending=2000, batches=batches)
            hub.attach(link)
            await hub.subscribe(link, key, "rma", after=None)
        head = announced = hub.streams[key].delivered

        # Quiet stream: the first event goes at once, as a plain frame.
        at = await post_and_announce("un")
        await async_wait_until(lambda: events_of(v2)[-1:] == [head + 1])
        assert v2.frames[-1]["type"] == "event"
        assert v2.times[-1] - at < WINDOW / 2
        sent_first = v2.times[-1]

        # Two more inside the window: held until it ends, then one batch.
        await post_and_announce("deux")
        await post_and_announce("trois")
        await async_wait_until(lambda: events_of(v2)[-1:] == [head + 3], within=10)
        assert v2.frames[-1]["type"] == "batch"
        assert [e["seq"] for e in v2.frames[-1]["events"]] == [head + 2, head + 3]
        assert v2.times[-1] - sent_first >= WINDOW * 0.9

        # Quiet again for a window: at once.
        await async_wait_until(lambda: hub.streams[key].courier is None)
        await asyncio.sleep(WINDOW * 1.1)
        at = await post_and_announce("quatre")
        await async_wait_until(lambda: events_of(v2)[-1:] == [head + 4])
        assert v2.frames[-1]["type"] == "event"
        assert v2.times[-1] - at < WINDOW / 2

        # Version 1 connections get the same events, one frame each, paced the same way.
        assert events_of(v2) == events_of(v1) == list(range(head + 1, head + 5))
        assert [f["type"] for f in v1.frames[-4:]] == ["event"] * 4
    finally:
        await hub.stop()
        await sync_to_async(connections.close_all)()

