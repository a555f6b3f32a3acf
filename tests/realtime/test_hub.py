"""The hub's promises that the websocket tests cannot reach: a peer that stops reading."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connections

from communities.services.discussion import post_message, start_thread
from realtime.hub import Hub
from realtime.link import Link
from tests.waiting import async_wait_until

pytestmark = pytest.mark.django_db(transaction=True)


class StalledPeer:
    """A websocket peer whose socket stops draining while ``gate`` is closed."""

    def __init__(self) -> None:
        self.gate = asyncio.Event()
        self.gate.set()
        self.received: list[dict] = []
        self.closed_with: int | None = None

    async def send_message(self, message: dict) -> None:
        await self.gate.wait()
        self.received.append(json.loads(message["text"]))

    async def close(self, code: int) -> None:
        self.closed_with = code


def _frames(peer: StalledPeer, kind: str) -> list[dict]:
    return [f for f in peer.received if f["type"] == kind]


async def test_a_peer_that_cannot_keep_up_is_told_to_resync_and_loses_nothing(people):
    hub = Hub(get_channel_layer(), audit_seconds=0.1)
    await hub.start()
    peer = StalledPeer()
    link = Link(user_id=people.member.pk, send_message=peer.send_message, close=peer.close,
                max_pending=3)
    hub.attach(link)
    try:
        thread = (await sync_to_async(start_thread)(actor=people.other_member,
                                                    space=people.space, title="T",
                                                    body="0")).thread
        await hub.subscribe(link, ("space", people.space.pk), "rma", after=None)
        peer.gate.clear()
        for i in range(10):
            await sync_to_async(post_message)(actor=people.other_member, thread=thread,
                                              body=str(i))
        await async_wait_until(lambda: not link.streams,
                               message="the slow peer should have been unsubscribed")
        peer.gate.set()
        await async_wait_until(lambda: _frames(peer, "resync"), message="no resync frame")
        peer.received = [f for f in peer.received if f["type"] != "presence"]
        resync = [f for f in peer.received if f["type"] == "resync"]
        assert resync == [{"type": "resync", "space": "rma", "reason": "too_slow"}]
        subscribed_head = peer.received[0]["head"]
        last_seen = max((f["seq"] for f in peer.received if f["type"] == "event"),
                        default=subscribed_head)

        # Resuming from the last seq it saw gives the peer everything it missed, once.
        await hub.subscribe(link, ("space", people.space.pk), "rma", after=last_seen)
        await async_wait_until(lambda: any(f["seq"] == 11 for f in _frames(peer, "event")),
                               message="the resumed peer never reached the last event")
        seqs = [f["seq"] for f in peer.received if f["type"] == "event"]
        assert seqs == list(range(subscribed_head + 1, 12))
    finally:
        await hub.stop()
        await sync_to_async(connections.close_all)()


@pytest.mark.redis
async def test_events_reach_the_hub_through_redis_not_only_by_polling(people, settings):
    """The writer publishes with a plain Redis PUBLISH; with the audit tick far away, only a
    message the layer decodes can bring the event within a second."""
    assert "Redis" in settings.CHANNEL_LAYERS["default"]["BACKEND"], (
        "REDIS_URL is set (the redis marker checked it) but the channel layer is not Redis")
    hub = Hub(get_channel_layer(), audit_seconds=60)
    await hub.start()
    peer = StalledPeer()
    link = Link(user_id=people.member.pk, send_message=peer.send_message, close=peer.close,
                max_pending=100)
    hub.attach(link)
    try:
        # The hub opens its channel in the background.
        await async_wait_until(lambda: hub.channel_name, within=1.0,
                               message="the hub never opened its channel")
        await hub.subscribe(link, ("space", people.space.pk), "rma", after=None)
        await sync_to_async(start_thread)(actor=people.other_member, space=people.space,
                                          title="Par Redis", body="vite")
        await async_wait_until(lambda: _frames(peer, "event"), within=1.0,
                               message="the event came only by polling, or not at all")
    finally:
        await hub.stop()
        await sync_to_async(connections.close_all)()
