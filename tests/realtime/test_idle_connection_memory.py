"""What an idle subscribed connection keeps, seen whole: the real websocket application under
uvicorn's own websocket protocol (production's), on transports that keep nothing of what
is written, each connection subscribed to a space and to ``@me`` as a page is. tracemalloc
counts the Python memory they still hold once subscribed (bench.idle_objects prints where
it goes); the bound leaves room for a library update, not for a new per-connection table."""

from __future__ import annotations

import asyncio
import gc
import json
import tracemalloc

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from bench.idle_objects import open_all
from bench.subscribers import client_frame
from communities.services.accounts import issue_realtime_ticket
from realtime.hub import stop_hub
from tests.realtime.peers import members

pytestmark = pytest.mark.django_db(transaction=True)

WARM = 10
CONNECTIONS = 40
#: Bytes of Python objects per idle subscribed connection, everything included (uvicorn's
#: protocol and queue, websockets' state, channels' routing, the consumer, the hub's link
#: and streams, the presence count): 22.4 KB here with uvicorn 0.55 and websockets 17, 25.3 KB
#: before the handshake, the translation state and the subscribe times were slimmed.
BOUND = 24 * 1024


@pytest.fixture(autouse=True)
async def _fresh_hub():
    yield
    await stop_hub()
    await sync_to_async(connections.close_all)()


def _tickets(users: list) -> list[str]:
    return [issue_realtime_ticket(user=user)[0] for user in users]


async def test_an_idle_subscribed_connection_keeps_under_a_bound(people):
    from uvicorn.config import Config

    from collab.routing import websocket_application

    users = await sync_to_async(members)(people.space, WARM + CONNECTIONS)
    tickets = await sync_to_async(_tickets)(users)
    config = Config(app=websocket_application, ws_per_message_deflate=False, lifespan="off",
                    log_level="warning")
    config.load()
    hellos = [client_frame(0x1, json.dumps({"type": "subscribe", "space": space}).encode())
              for space in ("rma", "@me")]
    kept = await open_all(config, tickets[:WARM], hellos)
    await asyncio.sleep(0.5)  # the presence flush of the first ones
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        kept += await open_all(config, tickets[WARM:], hellos)
        await asyncio.sleep(0.5)
        gc.collect()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    assert all(p.transport.subscribed >= 2 for p in kept), "a connection never subscribed"
    held = sum(stat.size_diff for stat in after.compare_to(before, "filename")
               if "tracemalloc" not in stat.traceback[0].filename)
    per_connection = held / CONNECTIONS
    assert per_connection <= BOUND, f"{per_connection:.0f} bytes per idle connection"
    # The opening request and response are let go once the connection is accepted.
    assert all(p.request is None and p.response is None for p in kept)
    for protocol in kept:
        protocol.transport.closed = True
        protocol.connection_lost(None)
    await asyncio.sleep(0.2)
