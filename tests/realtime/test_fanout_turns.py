"""A fan-out to many connections gives the event loop a turn every hundred links, so a post
(or any request) of the same process is not held up behind it; every link still gets every
event once and in order."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from communities.services.discussion import post_message, start_thread
from realtime.hub import YIELD_EVERY, Hub
from realtime.link import Link
from tests.realtime.peers import members

pytestmark = pytest.mark.django_db(transaction=True)

LINKS = 3 * YIELD_EVERY + 10


async def test_a_large_fan_out_lets_the_loop_run_and_keeps_the_order(people):
    hub = Hub(None, audit_seconds=60)
    timeline: list[tuple[str, int, int]] = []  # ("frame", link, seq) or ("turn", n, 0)

    def recorder(index: int):
        async def send_message(message: dict) -> None:
            text = message["text"]
            if '"type":"event"' in text:
                seq = int(text.split('"seq":', 1)[1].split(",", 1)[0])
                timeline.append(("frame", index, seq))
        return send_message

    async def close(code: int) -> None:
        return None

    users = await sync_to_async(members)(people.space, LINKS)
    key = ("space", people.space.pk)
    try:
        for index, user in enumerate(users):
            link = Link(user_id=user.pk, send_message=recorder(index), close=close,
                        max_pending=2000, display_name=user.display_name)
            hub.attach(link)
            await hub.subscribe(link, key, "rma", after=None)
        posted = await sync_to_async(start_thread)(actor=people.member, space=people.space,
                                                   title="Fil", body="un")
        await sync_to_async(post_message)(actor=people.member, thread=posted.thread,
                                          body="deux")
        stop = asyncio.Event()

        async def ticker() -> None:
            turn = 0
            while not stop.is_set():
                turn += 1
                timeline.append(("turn", turn, 0))
                await asyncio.sleep(0)

        ticking = asyncio.get_running_loop().create_task(ticker())
        await asyncio.sleep(0)
        await hub._catch_up(hub.streams[key])
        stop.set()
        await ticking
        frames = [i for i, entry in enumerate(timeline) if entry[0] == "frame"]
        turns_inside = [i for i, entry in enumerate(timeline)
                        if entry[0] == "turn" and frames[0] < i < frames[-1]]
        # Two events to LINKS links: the loop ran between the batches of each.
        assert len(turns_inside) >= 2 * (LINKS // YIELD_EVERY) - 1
        per_link: dict[int, list[int]] = {}
        for kind, index, seq in timeline:
            if kind == "frame":
                per_link.setdefault(index, []).append(seq)
        assert per_link == {index: [1, 2] for index in range(LINKS)}
    finally:
        await hub.stop()
        await sync_to_async(connections.close_all)()
