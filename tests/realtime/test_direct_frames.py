"""Under uvicorn a link writes each frame's bytes, framed once for every connection, straight
to the transport. These tests hold uvicorn's own websocket protocol (no socket: its transport
records what is written) and check that the bytes are exactly those uvicorn's send writes,
that the session middleware's wrapper is looked through, and that whenever uvicorn would wait
or refuse (backpressure, closing, compression) the link takes the ASGI path, in order."""

from __future__ import annotations

import asyncio
from typing import Any

from channels.sessions import InstanceSessionWrapper
from uvicorn.config import Config
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.protocol import OPEN

from realtime.link import Link, direct_transport, text_message

FRAMES = ['{"type":"event","space":"rma","seq":1,"kind":"message.created","data":{}}',
          '{"type":"presence","space":"rma","joined":[{"id":7,"display_name":"Élodie ✨"}]}',
          "x" * 70_000]  # a frame whose length takes the 64-bit form


class Transport:
    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.written.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True


async def _app(scope: Any, receive: Any, send: Any) -> None:
    return None


def open_protocol() -> Any:
    """uvicorn's protocol of an accepted connection, as after the handshake."""
    config = Config(app=_app, ws_per_message_deflate=False, lifespan="off")
    config.load()
    protocol = WebSocketsSansIOProtocol(config, ServerState(), {})
    protocol.transport = Transport()  # type: ignore[assignment]
    protocol.handshake_complete = True
    protocol.conn.state = OPEN
    return protocol


async def _close(code: int) -> None:
    return None


def link_on(send: Any) -> Link:
    return Link(user_id=1, send_message=send, close=_close, max_pending=10)


async def test_the_bytes_written_directly_are_those_uvicorn_writes():
    through_uvicorn, direct = open_protocol(), open_protocol()
    link = link_on(direct.send)
    assert link._direct is direct
    for frame in FRAMES:
        await through_uvicorn.send(text_message(frame))
        assert link.offer(text_message(frame))
    await link.send(text_message("réponse"))
    await through_uvicorn.send(text_message("réponse"))
    assert direct.transport.written == through_uvicorn.transport.written
    assert len(direct.transport.written) == len(FRAMES) + 1


async def test_one_message_is_framed_once_for_every_link():
    protocols = [open_protocol() for _ in range(3)]
    links = [link_on(p.send) for p in protocols]
    message = text_message(FRAMES[0])
    for link in links:
        link.offer(message)
    written = [p.transport.written[0] for p in protocols]
    assert written[0] == written[1] == written[2]
    assert written[0] is written[1] is written[2]  # the same bytes object, framed once


async def test_the_session_wrapper_of_browser_connections_is_looked_through():
    protocol = open_protocol()
    wrapper = InstanceSessionWrapper({"type": "websocket", "cookies": {}}, protocol.send)
    assert direct_transport(wrapper.send) is protocol


async def test_other_servers_take_the_asgi_path():
    sent: list[dict] = []

    async def plain(message: dict) -> None:
        sent.append(message)

    link = link_on(plain)
    assert link._direct is None
    link.offer(text_message("un"))
    assert sent == [{"type": "websocket.send", "text": "un"}]


async def test_a_compressed_connection_takes_the_asgi_path():
    protocol = open_protocol()
    protocol.conn.extensions = [object()]  # what a negotiated permessage-deflate leaves
    assert direct_transport(protocol.send) is None


async def test_backpressure_queues_behind_uvicorn_and_keeps_the_order():
    protocol = open_protocol()
    link = link_on(protocol.send)
    link.offer(text_message("1"))
    protocol.pause_writing()
    link.offer(text_message("2"))  # uvicorn's send waits: a writer task takes over
    link.offer(text_message("3"))  # queued behind it, not written directly
    assert len(protocol.transport.written) == 1
    assert link._writer is not None
    protocol.resume_writing()
    await link.drained(within=2)
    link.offer(text_message("4"))  # caught up: direct again
    assert link._writer is None
    payloads = [data[2:].decode() for data in protocol.transport.written]
    assert payloads == ["1", "2", "3", "4"]


async def test_a_closing_connection_is_never_written_directly():
    protocol = open_protocol()
    link = link_on(protocol.send)
    await protocol.send({"type": "websocket.close", "code": 4001})
    written = len(protocol.transport.written)
    assert link.offer(text_message("trop tard"))
    await asyncio.sleep(0)
    assert len(protocol.transport.written) == written
    assert link.closed  # uvicorn refused the send: the link is gone
