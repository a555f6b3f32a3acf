"""Under uvicorn, with no compression negotiated (production's settings), links write frames
straight to the transport: over real sockets, every client still gets every event exactly
once and in seq order, replayed ones first, through a burst posted on two processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from websockets.asyncio.client import connect

from tests.conftest import People
from tests.integration.helpers import (
    WAIT,
    Api,
    Subscriber,
    late_frames,
    posted,
    received,
)
from tests.servers import ServerProcess, running_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(90)]


@asynccontextmanager
async def uncompressed(server: ServerProcess, api: Api) -> AsyncIterator[Subscriber]:
    """A subscriber that offers no extension, as the bench's clients: nothing to compress,
    so the server may write each frame's bytes as framed once for everyone."""
    ticket = await api.on(server).ticket()
    async with connect(f"{server.ws}?ticket={ticket}", compression=None, open_timeout=WAIT,
                       close_timeout=1, max_queue=None) as ws:
        yield Subscriber(ws)


@pytest.mark.redis
@pytest.mark.postgres
async def test_frames_written_directly_arrive_once_and_in_order(community: People,
                                                                 redis_url: str) -> None:
    with running_server(redis_url=redis_url, server="uvicorn") as a, \
            running_server(redis_url=redis_url, server="uvicorn") as b:
        florence = await Api.login(a, community.facilitator.email)
        marc = await Api.login(b, community.member.email)
        thread = await florence.start_thread("rma", "Déneigement", "Qui s'occupe du trottoir ?")
        expected = [posted(thread)]
        thread_id = thread["thread"]["id"]
        expected += [posted(await marc.post(thread_id, f"Avant {i}")) for i in range(3)]
        async with uncompressed(a, florence) as on_a, uncompressed(b, marc) as on_b:
            for client in (on_a, on_b):
                assert (await client.subscribe("rma", after=0))["head"] == len(expected)
            burst = await asyncio.gather(*(
                (florence if i % 2 else marc.on(a) if i % 3 else marc).post(
                    thread_id, f"Rafale {i} — « ça tient ? »")
                for i in range(24)))
            expected += sorted(posted(answer) for answer in burst)
            assert [seq for seq, _kind, _body in expected] == list(range(1, 29))
            for client in (on_a, on_b):
                got = await client.events_through(28, within=15)
                assert [received(event) for event in got] == expected
            assert await late_frames([on_a, on_b]) == []
