"""After-commit publishing of an event to the hubs of every server process.

Publishing is a notification, not the record: the event is already committed. If the channel
layer is down the hubs find the event by polling the log, so a failure here is logged and
swallowed rather than turned into an error for the person who just posted.

On Redis the notification is a plain PUBLISH from the writer's own thread, in the channel
layer's wire format. Going through ``async_to_sync(group_send)`` instead would hop to the
server's event loop and wait behind whatever fan-out it is doing, which is where the post
path's tail latency came from under load. The in-memory layer (one process, no Redis) has
no wire to write to: its send is handed to the server's loop without waiting for it, for the
same reason.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from functools import cache
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import BaseChannelLayer, get_channel_layer
from channels_redis.utils import _consistent_hash
from django.conf import settings

from communities.models import Event
from realtime import metrics
from realtime.frames import event_frame, group_for
from realtime.store import revoked_user

logger = logging.getLogger(__name__)


@cache
def _redis_clients() -> list[Any]:
    import redis

    return [redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
            for url in settings.REDIS_URLS]


def _publish_on_redis(layer: Any, group: str, message: dict[str, Any]) -> None:
    # channels_redis's pub/sub layer names a group's channel "<prefix>__group__<group>",
    # decodes with the layer's serializer and, over several Redis servers, listens for it on
    # the one its consistent hash picks; tests check end to end that hubs receive this, on one
    # Redis and on two shards (with polling slowed down so it cannot hide a mismatch).
    channel = f"{settings.CHANNEL_LAYER_PREFIX}__group__{group}"
    clients = _redis_clients()
    clients[_consistent_hash(channel, len(clients))].publish(channel, layer.serialize(message))


#: Sends handed to the server's loop and not finished yet (the loop keeps only weak ones).
_in_flight: set[asyncio.Task[None]] = set()


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop that runs this request's sync view in a worker thread, if any: the one
    ``async_to_sync`` would wait on (asgiref's own record of it)."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


def _send_in_memory(layer: BaseChannelLayer, group: str, message: dict[str, Any]) -> None:
    loop = _server_loop()
    if loop is None:  # a command or a test: no server loop to queue behind
        async_to_sync(layer.group_send)(group, message)
        return

    def start() -> None:
        task = loop.create_task(layer.group_send(group, message))
        _in_flight.add(task)
        task.add_done_callback(_finished)

    # FIFO: sends start in commit order, each queueing to its channels before it yields.
    loop.call_soon_threadsafe(start)


def _finished(task: asyncio.Task[None]) -> None:
    _in_flight.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.warning("could not publish on the in-memory layer; hubs will catch up from "
                       "the log", exc_info=task.exception())


def _uses_redis_pubsub(layer: BaseChannelLayer) -> bool:
    return type(layer).__name__ == "RedisPubSubChannelLayer" and bool(settings.REDIS_URL)


def publish_event(event: Event, *, stream_label: str) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    if event.space_id is not None:
        key: tuple[str, int] = ("space", event.space_id)
    else:
        assert event.owner_id is not None
        key = ("user", event.owner_id)
    frame = event_frame(stream=stream_label, seq=event.seq, kind=event.kind, data=event.payload)
    message = {"type": "hub.event", "stream": list(key), "seq": event.seq, "frame": frame,
               "revokes": revoked_user(event.kind, event.payload),
               # Wall-clock time of the announcement, for the delivery-lag histogram.
               "at": time.time()}
    try:
        if _uses_redis_pubsub(layer):
            _publish_on_redis(layer, group_for(key), message)
        else:
            _send_in_memory(layer, group_for(key), message)
        metrics.EVENTS_PUBLISHED.inc()
    except Exception:
        logger.warning("could not publish %s #%s; hubs will catch up from the log",
                       event.kind, event.seq, exc_info=True)
