"""A replay's page goes to uvicorn's transport in as few writes as it takes (one system call
for fifty frames, not fifty), the very bytes the frames would have been one by one, and not
at all past backpressure or behind frames already queued: those go the ASGI way, in order."""

from __future__ import annotations

import re
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from realtime import link as link_module
from realtime.hub import get_hub, stop_hub
from realtime.link import text_message
from tests.realtime.test_direct_frames import FRAMES, link_on, open_protocol
from tests.realtime.test_replay_from_recent import head, posted


def wire_of(text: str) -> bytes:
    message: Any = text_message(text)
    return bytes(message.wire())


def page(count: int, size: int = 40) -> list[Any]:
    return [text_message(f'{{"seq":{n},"x":"{"é" * size}"}}') for n in range(1, count + 1)]


async def test_a_page_is_one_write_of_the_bytes_its_frames_make_one_by_one():
    one_by_one, at_once = open_protocol(), open_protocol()
    frames = [*page(50), text_message(FRAMES[1])]
    for message in frames:
        await link_on(one_by_one.send).send(message)
    assert link_on(at_once.send).write_at_once(frames) == len(frames)
    assert len(at_once.transport.written) == 1
    assert at_once.transport.written[0] == b"".join(one_by_one.transport.written)


async def test_a_large_page_is_cut_so_backpressure_is_looked_at_between_writes(monkeypatch):
    monkeypatch.setattr(link_module, "WRITE_CHUNK", 1000)
    protocol = open_protocol()
    frames = page(30, size=120)  # 264 bytes each: four frames pass 1,000
    writes = 0

    def write(data: bytes) -> None:
        nonlocal writes
        writes += 1
        protocol.transport.written.append(bytes(data))
        if writes == 2:
            protocol.pause_writing()  # the transport's buffer is past its high mark

    protocol.transport.write = write
    link = link_on(protocol.send)
    written = link.write_at_once(frames)
    assert (writes, written) == (2, 8)
    assert b"".join(protocol.transport.written) == b"".join(m.wire() for m in frames[:8])
    # The rest go through uvicorn's send, which waits for the transport, in order.
    protocol.resume_writing()
    for message in frames[written:]:
        await link.send(message)
    assert b"".join(protocol.transport.written) == b"".join(m.wire() for m in frames)


async def test_nothing_is_written_ahead_of_frames_already_queued():
    protocol = open_protocol()
    link = link_on(protocol.send)
    protocol.pause_writing()
    link.offer(text_message("avant"))  # uvicorn waits: a writer task holds it
    protocol.resume_writing()
    assert link.write_at_once(page(3)) == 0
    await link.drained(within=2)
    frames = page(3)
    assert link.write_at_once(frames) == 3
    assert protocol.transport.written == [wire_of("avant"),
                                          b"".join(m.wire() for m in frames)]


async def test_other_servers_and_closed_links_write_nothing_at_once():
    sent: list[dict] = []

    async def plain(message: dict) -> None:
        sent.append(message)

    assert link_on(plain).write_at_once(page(3)) == 0
    protocol = open_protocol()
    link = link_on(protocol.send)
    await link.stop()
    assert link.write_at_once(page(3)) == 0
    assert protocol.transport.written == [] and sent == []


@pytest.mark.django_db(transaction=True)
async def test_a_resuming_uvicorn_connection_gets_its_missed_events_in_one_write(people):
    await posted(people, 12)
    last = await head()
    hub = await get_hub()
    try:
        protocol = open_protocol()
        link = link_on(protocol.send)
        link.user_id = people.member.pk
        hub.attach(link)
        await hub.subscribe(link, ("space", people.space.pk), "rma", 0)
        subscribed, replay, *hints = protocol.transport.written
        assert b'"type":"subscribed"' in subscribed
        seqs = [int(s) for s in re.findall(rb'"type":"event","space":"rma","seq":(\d+)', replay)]
        assert seqs == list(range(1, last + 1))
        assert all(b'"type":"presence"' in h for h in hints)
        await hub.detach(link)
    finally:
        await stop_hub()
        await sync_to_async(connections.close_all)()
