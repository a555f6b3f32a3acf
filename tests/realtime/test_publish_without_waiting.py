"""A post's response never waits for the server's event loop to publish its event: the loop
may be busy fanning out earlier events to every connection."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from communities.models import Event
from realtime.frames import group_for
from realtime.publish import publish_event

GIVE_UP_SECONDS = 10  # only bounds a failure; a pass takes milliseconds


@pytest.fixture
def in_memory_layer(settings: Any) -> None:
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def test_publishing_from_a_request_thread_does_not_wait_for_a_busy_loop(
        in_memory_layer: None) -> None:
    event = Event(space_id=1, seq=7, kind="message.created",
                  payload={"message": {"id": 3}, "thread": {"id": 1}})
    loop_busy, published = threading.Event(), threading.Event()
    outcome: dict[str, Any] = {}

    def request_thread() -> None:
        # A sync view's after-commit hook, in the worker thread ASGI runs it in.
        assert loop_busy.wait(GIVE_UP_SECONDS)
        publish_event(event, stream_label="rma")
        published.set()

    def long_fan_out() -> None:
        # Holds the loop the way a long fan-out does, until the post is published.
        loop_busy.set()
        outcome["published_while_busy"] = published.wait(GIVE_UP_SECONDS)

    async def server() -> dict[str, Any]:
        layer = get_channel_layer()
        hub = await layer.new_channel()
        await layer.group_add(group_for(("space", 1)), hub)
        asyncio.get_running_loop().call_soon(long_fan_out)
        await sync_to_async(request_thread, thread_sensitive=False)()
        return await asyncio.wait_for(layer.receive(hub), GIVE_UP_SECONDS)

    received = asyncio.run(server())
    assert outcome["published_while_busy"]
    # Still delivered, once the loop is free.
    assert received["type"] == "hub.event" and received["seq"] == 7
    assert received["stream"] == ["space", 1]
