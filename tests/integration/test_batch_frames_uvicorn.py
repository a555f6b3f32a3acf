"""Over real sockets on two uvicorn processes, clients that speak the protocol's version 2 get a
burst's events (in batches wherever they waited together) exactly once and in seq order, and
one that drops in the middle of the burst and resumes from the last event it applied gets the
rest, once, in order."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

from realtime.frames import PROTOCOL_V2
from tests.conftest import People
from tests.integration.helpers import WAIT, Api, posted, received
from tests.servers import ServerProcess, running_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

BURST = 30


class V2Client:
    """A version-2 connection read as a client applies it: a batch's events one by one."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.batches = 0

    async def subscribe(self, after: int | None) -> int:
        await self.ws.send(json.dumps({"type": "subscribe", "space": "rma", "after": after}))
        while True:
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), WAIT))
            if frame["type"] == "subscribed":
                return int(frame["head"])
            assert frame["type"] in ("presence", "typing"), frame

    async def events(self, upto: int, *, stop_after: int | None = None,
                     within: float = 20) -> list[dict[str, Any]]:
        """Events until seq ``upto`` (or, with ``stop_after``, until that many came:
        the rest of a batch is then dropped, as a connection lost mid-batch would)."""
        deadline = time.monotonic() + within
        got: list[dict[str, Any]] = []
        while not got or got[-1]["seq"] < upto:
            left = deadline - time.monotonic()
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), max(left, 0.01)))
            if frame["type"] == "batch":
                self.batches += 1
                assert {e["type"] for e in frame["events"]} == {"event"}, frame
                incoming = frame["events"]
            elif frame["type"] == "event":
                incoming = [frame]
            else:
                assert frame["type"] in ("presence", "typing"), frame
                continue
            for event in incoming:
                got.append(event)
                if stop_after is not None and len(got) == stop_after:
                    return got
        return got


async def _v2(server: ServerProcess, api: Api) -> tuple[Any, V2Client]:
    ticket = await api.on(server).ticket()
    manager = connect(f"{server.ws}?ticket={ticket}", subprotocols=[Subprotocol(PROTOCOL_V2)],
                      compression=None, open_timeout=WAIT, close_timeout=1, max_queue=None)
    ws = await manager.__aenter__()
    assert ws.subprotocol == PROTOCOL_V2
    return manager, V2Client(ws)


async def _burst(florence: Api, marc: Api, a: ServerProcess, thread_id: int,
                 words: str) -> list[tuple[int, str, str]]:
    """BURST posts at once, on both processes, as (seq, kind, body) in seq order."""
    answers = await asyncio.gather(*(
        (florence if i % 2 else marc.on(a) if i % 3 else marc).post(
            thread_id, f"{words} {i} — « ça tient ? »")
        for i in range(BURST)))
    return sorted(posted(answer) for answer in answers)


@pytest.mark.redis
@pytest.mark.postgres
async def test_a_burst_reaches_v2_clients_once_in_order_across_a_resume(
        community: People, redis_url: str) -> None:
    with running_server(redis_url=redis_url, server="uvicorn") as a, \
            running_server(redis_url=redis_url, server="uvicorn") as b:
        florence = await Api.login(a, community.facilitator.email)
        marc = await Api.login(b, community.member.email)
        thread = await florence.start_thread("rma", "Déneigement", "Qui s'occupe du trottoir ?")
        thread_id = thread["thread"]["id"]
        opened = [await _v2(a, florence), await _v2(b, marc), await _v2(a, marc)]
        try:
            steady, other, dropping = (client for _, client in opened)
            head = await steady.subscribe(after=None)
            for client in (other, dropping):
                assert await client.subscribe(after=None) == head
            expected = await _burst(florence, marc, a, thread_id, "Rafale")
            assert [seq for seq, _kind, _body in expected] == list(
                range(head + 1, head + BURST + 1))

            # Dropped after the first third of the burst, whatever frame it was in; a second
            # burst is posted while it comes back and replays.
            first = await dropping.events(head + BURST, stop_after=BURST // 3)
            await opened[2][0].__aexit__(None, None, None)
            second = asyncio.get_running_loop().create_task(
                _burst(florence, marc, a, thread_id, "Relance"))
            manager, back = await _v2(a, marc)
            opened[2] = (manager, back)
            await back.subscribe(after=first[-1]["seq"])
            expected += await second
            last = head + 2 * BURST
            assert expected[-1][0] == last
            rest = await back.events(last)
            assert [received(event) for event in first + rest] == expected
            for client in (steady, other):
                got = await client.events(last)
                assert [received(event) for event in got] == expected
        finally:
            for manager, _client in opened:
                await manager.__aexit__(None, None, None)
