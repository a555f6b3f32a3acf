"""One websocket as the hub sees it.

Fan-out cost is dominated by what happens per connection per frame, so the common case does
as little as possible: the hub hands the same ASGI message to every link, and a link whose
transport is keeping up sends it on the spot, without a task or a queue. Under uvicorn (the
production server) a link goes one step further and writes the frame's bytes, framed once per
message for every link, straight to the connection's transport, which is what uvicorn's own
send would do after encoding and framing the text again for each connection. Only when a send
has to wait (the server applies backpressure) does the link start a writer task and queue
what follows behind it, in order, up to a bound; past the bound the hub tells the peer to
resync. Frames therefore never interleave and a slow peer never holds up the others.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from channels.sessions import InstanceSessionWrapper

from realtime.store import StreamKey

AsgiMessage = dict[str, Any]
#: Bytes handed to the transport in one write by ``write_at_once``: past this, the
#: transport's backpressure is looked at again before the next write.
WRITE_CHUNK = 64 * 1024
SendMessage = Callable[[AsgiMessage], Awaitable[None]]
Close = Callable[[int], Awaitable[None]]

try:
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    from websockets.frames import Frame, Opcode
    from websockets.protocol import OPEN
except ImportError:  # uvicorn is the [server] extra: without it every link takes the ASGI path
    WebSocketsSansIOProtocol = None  # type: ignore[assignment,misc]


class TextMessage(dict[str, Any]):
    """The ASGI message for a text frame, built once per frame and shared by every link
    (servers only read it), with its websocket framing made at most once for all of them."""

    __slots__ = ("_wire",)

    def wire(self) -> bytes:
        try:
            return self._wire  # type: ignore[no-any-return]
        except AttributeError:
            # A server's frame is unmasked and, without extensions, the same for every
            # connection: websockets' own framing, done once.
            self._wire: bytes = Frame(Opcode.TEXT, self["text"].encode()).serialize(
                mask=False, extensions=[])
            return self._wire


def text_message(frame: str) -> AsgiMessage:
    return TextMessage(type="websocket.send", text=frame)


def direct_transport(send: SendMessage) -> Any | None:
    """uvicorn's websocket protocol behind ``send``, when frames may be written to its
    transport as bytes: the connection negotiated no extension (compression would make each
    connection's bytes its own). channels' session middleware wraps ``send`` for browser
    connections but passes websocket messages through untouched, so it is looked through."""
    if WebSocketsSansIOProtocol is None:
        return None
    target: Any = send
    owner: Any = getattr(target, "__self__", None)
    if type(owner) is InstanceSessionWrapper and target.__func__ is InstanceSessionWrapper.send:
        target = owner.real_send
        owner = getattr(target, "__self__", None)
    server: Any = WebSocketsSansIOProtocol
    if type(owner) is server and target.__func__ is server.send and not owner.conn.extensions:
        return owner
    return None


def _writable(protocol: Any) -> bool:
    """What uvicorn's send checks before it writes a frame: anything else (backpressure,
    closing, closed) takes the ASGI path, which waits or fails the way the server means."""
    return bool(protocol.writable.is_set() and not protocol.close_sent
                and protocol.conn.state is OPEN and not protocol.transport.is_closing())


async def _finish(coroutine: Coroutine[Any, Any, Any], awaiting: Any) -> None:
    """Drive to completion a coroutine that was started by hand and suspended on
    ``awaiting`` (what it yielded): the same steps an asyncio task would take."""
    try:
        while True:
            if isinstance(awaiting, asyncio.Future):
                awaiting._asyncio_future_blocking = False
                await asyncio.wait((awaiting,))
            else:
                await asyncio.sleep(0)
            awaiting = coroutine.send(None)
    except StopIteration:
        return
    finally:
        coroutine.close()


@dataclass(eq=False, slots=True)
class Link:
    """Slotted, and its queue and drain event exist only while the transport makes it wait:
    an idle connection, the common case by far, costs a few hundred bytes here."""

    user_id: int
    send_message: SendMessage
    close: Close
    max_pending: int
    #: Set for browser connections; the audit closes the link once the session is gone.
    session_key: str | None = None
    #: Set for connections opened with a ticket asked with an API token; the audit closes the
    #: link once that token is revoked or expired.
    api_token_id: int | None = None
    #: How the person appears in the online list of the spaces they are in.
    display_name: str = ""
    #: The name told apart from a namesake of a shared space (communities' User.label).
    label: str = ""
    #: Stream key -> the label clients know it by (space slug or "@me").
    streams: dict[StreamKey, str] = field(default_factory=dict)
    #: The peer speaks the protocol's version 2: several events may come in one ``batch`` frame.
    batches: bool = False
    closed: bool = False
    _queue: deque[AsgiMessage] | None = None
    _writer: asyncio.Task[None] | None = None
    _busy: bool = False
    #: Set when the backlog is written; created by whoever waits for it.
    _drained: asyncio.Event | None = None
    #: The server's protocol when frames can be written to its transport (``direct_transport``).
    _direct: Any = None

    def __post_init__(self) -> None:
        self._direct = direct_transport(self.send_message)

    def _enqueue(self, message: AsgiMessage) -> None:
        if self._queue is None:
            self._queue = deque()
        self._queue.append(message)

    def _pending(self) -> int:
        return len(self._queue) if self._queue is not None else 0

    def offer(self, message: AsgiMessage) -> bool:
        """Send a live frame now if the transport takes it, else queue it. False means the
        queue is full: the peer is too far behind."""
        if self.closed:
            return True
        if self._busy or self._writer is not None:
            if self._pending() >= self.max_pending:
                return False
            self._enqueue(message)
            return True
        direct = self._direct
        if direct is not None and type(message) is TextMessage and _writable(direct):
            direct.transport.write(message.wire())
            return True
        coroutine = self.send_message(message)
        assert isinstance(coroutine, Coroutine)
        try:
            awaiting = coroutine.send(None)
        except StopIteration:
            return True
        except Exception:
            self._gone()
            return True
        # The transport made us wait: finish this send and whatever queues behind it in a
        # task of its own.
        self._writer = asyncio.get_running_loop().create_task(
            self._write_backlog(_finish(coroutine, awaiting))
        )
        return True

    async def send(self, message: AsgiMessage) -> None:
        """Send a frame and wait until it and everything before it is written: replays and
        replies use this, so reading the log never outruns the peer."""
        if self.closed:
            return
        if self._busy or self._writer is not None:
            self._enqueue(message)
            await self._until_drained()
            return
        direct = self._direct
        if direct is not None and type(message) is TextMessage and _writable(direct):
            direct.transport.write(message.wire())
            return
        self._busy = True
        try:
            await self.send_message(message)
        except Exception:
            self._gone()
        finally:
            self._busy = False
        if self._pending() and self._writer is None and not self.closed:
            self._writer = asyncio.get_running_loop().create_task(self._write_backlog(None))
            await self._until_drained()
        elif self._idle():
            self._now_drained()

    def write_at_once(self, messages: list[AsgiMessage]) -> int:
        """Write the leading frames of ``messages`` to uvicorn's transport in as few writes
        as it takes (a replay's page: fifty frames cost fifty system calls one by one), while
        nothing is queued before them and the transport takes them. Returns how many were
        written; the caller sends the rest with ``send``, which waits as the server means."""
        direct = self._direct
        if self.closed or self._busy or self._writer is not None or direct is None:
            return 0
        written = 0
        while written < len(messages) and _writable(direct):
            chunk: list[bytes] = []
            size = 0
            for message in messages[written:]:
                if type(message) is not TextMessage:
                    break
                wire = message.wire()
                chunk.append(wire)
                size += len(wire)
                if size >= WRITE_CHUNK:
                    break
            if not chunk:
                break
            direct.transport.write(b"".join(chunk))
            written += len(chunk)
        return written

    def _idle(self) -> bool:
        return self.closed or (self._writer is None and not self._busy and not self._pending())

    async def _until_drained(self) -> None:
        if self._idle():
            return
        if self._drained is None:
            self._drained = asyncio.Event()
        await self._drained.wait()

    def _now_drained(self) -> None:
        if self._drained is not None:
            self._drained.set()
            self._drained = None
        if self._queue is not None and not self._queue:
            self._queue = None

    async def _write_backlog(self, first: Awaitable[None] | None) -> None:
        try:
            if first is not None:
                await first
            while self._queue and not self.closed:
                await self.send_message(self._queue.popleft())
        except asyncio.CancelledError:
            raise
        except Exception:
            self._gone()
        finally:
            self._writer = None
            if not self._busy:
                self._now_drained()

    async def drained(self, within: float) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._until_drained(), timeout=within)

    def discard_pending(self) -> None:
        self._queue = None

    def _gone(self) -> None:
        # The transport is closed; the consumer's disconnect handler detaches the link.
        self.closed = True
        self._queue = None
        self._now_drained()

    async def stop(self) -> None:
        self._gone()
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._writer
