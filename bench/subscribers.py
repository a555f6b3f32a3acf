"""One load-generator process: a few hundred websocket subscribers on one event loop.

The parent drives it over a pipe. Each received frame is timestamped with the monotonic
clock, which every process on the machine shares, so the parent can subtract its own send
times. Only counters and one record per message id are kept: nothing per delivery.

On a 2-core machine the generator competes with the server it measures, so every microsecond
it spends per frame is taken from the server and shows up as latency. Hence no websocket
library: one bare ``asyncio.Protocol`` per connection does the RFC 6455 opening handshake
itself; once subscribed, the connection's socket is read by a single epoll "pump" (see
``Subscribers.attach``), its frames parsed by hand, and the message id found with a byte
search for the marker every posted body starts with (``bench.common.MARK``) instead of
decoding JSON. About 11 µs of CPU per frame alone (16 to 22 in the loaded 2-process
bench) instead of 45 to 65, half of it now the kernel's (TCP receive and epoll).

A client may ask for a websocket subprotocol (the hub's ``espace.v2``), under which a frame
may carry several events (``{"type":"batch",...,"events":[{"type":"event",...},...]}``):
each event in it counts as one delivery, found by its own marker, stamped with the time its
frame was read, as a frame of its own would be.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import os
import random
import select
import time
from multiprocessing.connection import Connection
from typing import Any, cast
from urllib.parse import urlsplit

from bench.common import MARK

#: (index, url, first text frame(s) to send or None, bytes the answer must contain or None)
Target = tuple[int, str, str | tuple[str, ...] | None, bytes | None]

ACCEPT_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_HEAD = 16 * 1024
MAX_FRAME = 2**20
MARK_LENGTH = len(MARK)
BATCH = b'{"type":"batch"'
EVENT = b'{"type":"event"'
READ_SIZE = 256 * 1024
#: BENCH_COALESCE_MS > 0 waits that long after a socket turns readable before reading, so
#: one wake-up reads many sockets rather than one per wake-up as the server trickles out a
#: broadcast. It evens the CPU between the two generator processes, but whether it saves
#: CPU per frame was lost in the noise of a shared machine (10 to 34 µs either way), and
#: it adds up to that much to measured latencies (stamps are taken at the read): off.
COALESCE_SECONDS = float(os.environ.get("BENCH_COALESCE_MS", "0")) / 1000

HANDSHAKE, WAITING, STREAMING, CLOSED = range(4)


class ProtocolError(Exception):
    pass


def client_frame(opcode: int, payload: bytes) -> bytes:
    """A final frame; the client must mask every frame it sends (RFC 6455 §5.3)."""
    size = len(payload)
    if size < 126:
        head = bytes((0x80 | opcode, 0x80 | size))
    elif size < 1 << 16:
        head = bytes((0x80 | opcode, 0x80 | 126)) + size.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0x80 | 127)) + size.to_bytes(8, "big")
    mask = os.urandom(4)
    key = (mask * (size // 4 + 1))[:size]
    body = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(size, "big")
    return head + mask + body


class Link(asyncio.Protocol):
    """One subscriber connection. Its counters are plain attributes, read by the owner when
    the parent asks: the per-frame path touches nothing shared but the per-message arrays."""

    __slots__ = ("accept", "buffer", "closing", "count", "expect", "fragments", "hello",
                 "id_sum", "last_id", "lost", "out_of_order", "owner", "phase", "protocol",
                 "ready", "request", "target", "transport")

    def __init__(self, owner: Subscribers, target: int, request: bytes, accept: bytes,
                 hello: str | tuple[str, ...] | None, expect: bytes | None,
                 protocol: str | None = None) -> None:
        loop = asyncio.get_running_loop()
        self.owner = owner
        self.target = target
        self.transport: asyncio.Transport | None = None
        self.phase = HANDSHAKE
        self.buffer = b""
        self.request = request
        self.accept = accept
        self.hello = hello
        self.expect = expect
        #: The subprotocol asked for, if any.
        self.protocol = protocol
        self.ready: asyncio.Future[None] = loop.create_future()
        self.lost: asyncio.Future[None] = loop.create_future()
        self.count = 0
        #: With the count, proves the connection got each message once.
        self.id_sum = 0
        self.last_id = -1
        self.out_of_order = 0
        #: Payloads of a fragmented message so far (the servers under test do not fragment).
        self.fragments: list[bytes] | None = None
        #: Once a Close frame is sent, nothing more may be (RFC 6455 §5.5.1).
        self.closing = False

    # -- asyncio callbacks --------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self.transport = cast(asyncio.Transport, transport)
        self.transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        self.owner.detach(self)
        if self.phase == STREAMING and not self.owner.disconnecting:
            self.owner.closed_early += 1
        self.phase = CLOSED
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(f"closed while opening: {exc!r}"))
        if not self.lost.done():
            self.lost.set_result(None)

    def data_received(self, data: bytes) -> None:
        """Only while opening: once streaming, the owner's pump reads the socket."""
        self.feed(data, time.monotonic())

    def feed(self, data: bytes, now: float) -> None:
        """``now`` is read once per read from the socket: every frame of the batch gets the
        time the batch reached this process. A per-frame stamp would only add the parse time
        of the frames before it, microseconds against the milliseconds measured."""
        if self.buffer:
            data = self.buffer + data
            self.buffer = b""
        if self.phase != STREAMING:
            if self.phase == HANDSHAKE:
                data = self._handshake(data)
                if not data:
                    return
            elif self.phase == CLOSED:
                return
        try:
            self._frames(data, now)
        except Exception as error:
            self._fail(error)

    def end_of_stream(self, error: OSError | None) -> None:
        """The pump read EOF or an error: let the transport close and report it."""
        self.owner.detach(self)
        if self.transport is not None:
            if error is None:
                self.transport.close()
            else:
                self.transport.abort()

    # -- frames -------------------------------------------------------------------------------
    def _frames(self, data: bytes, now: float) -> None:
        owner = self.owner
        low = owner.low
        size = owner.size
        deliveries = owner.deliveries
        firsts = owner.firsts
        lasts = owner.lasts
        time_sums = owner.time_sums
        streaming = self.phase == STREAMING
        count = self.count
        id_sum = self.id_sum
        last_id = self.last_id
        out_of_order = self.out_of_order
        end = len(data)
        position = 0
        while end - position >= 2:
            first = data[position]
            length = data[position + 1]
            start = position + 2
            if length > 125:
                if length == 126:
                    if end - position < 4:
                        break
                    length = int.from_bytes(data[start:start + 2], "big")
                    start += 2
                elif length == 127:
                    if end - position < 10:
                        break
                    length = int.from_bytes(data[start:start + 8], "big")
                    start += 8
                    if length > MAX_FRAME:
                        raise ProtocolError(f"frame of {length} bytes")
                else:
                    raise ProtocolError("masked frame from the server")
            stop = start + length
            if stop > end:
                break
            position = stop
            # A final, unfragmented, uncompressed text or binary frame: the only kind the
            # servers send for messages. Anything else takes the slow path.
            if (first == 0x81 or first == 0x82) and streaming:
                ids: list[int] | tuple[int]
                if data.startswith(BATCH, start, stop):
                    ids = self._batch(data, start, stop)
                else:
                    mark = data.find(MARK, start, stop)
                    if mark < 0:
                        self._other(data[start:stop])
                        continue
                    mark += MARK_LENGTH
                    ids = (int(data[mark:data.index(b"#", mark, stop)]),)
                for message_id in ids:
                    slot = message_id - low
                    if 0 <= slot < size:
                        seen = deliveries[slot]
                        if not seen:
                            firsts[slot] = now
                        deliveries[slot] = seen + 1
                        # One process's clock reads never go back: the latest read is the last.
                        lasts[slot] = now
                        time_sums[slot] += now
                        count += 1
                        id_sum += message_id
                        if message_id <= last_id:
                            out_of_order += 1
                        last_id = message_id
            else:
                # Counters first: the slow path may deliver a reassembled message itself.
                self.count, self.id_sum = count, id_sum
                self.last_id, self.out_of_order = last_id, out_of_order
                self._control(first, data[start:stop], now)
                count, id_sum = self.count, self.id_sum
                last_id, out_of_order = self.last_id, self.out_of_order
                streaming = self.phase == STREAMING
                if self.phase == CLOSED:
                    return
        self.count, self.id_sum = count, id_sum
        self.last_id, self.out_of_order = last_id, out_of_order
        if position < end:
            if end - position > MAX_FRAME + 14:
                raise ProtocolError("frame too large")
            self.buffer = data[position:]

    def _batch(self, data: bytes, start: int, stop: int) -> list[int]:
        """The message ids of a batch frame's events, in order: each event from its opening
        to the next one's, by the first marker inside it (its body; its HTML repeats it)."""
        ids = []
        self.owner.batch_frames += 1
        event = data.find(EVENT, start, stop)
        while event >= 0:
            following = data.find(EVENT, event + 1, stop)
            end = following if following >= 0 else stop
            mark = data.find(MARK, event, end)
            if mark < 0:
                self._other(data[event:end])
            else:
                mark += MARK_LENGTH
                ids.append(int(data[mark:data.index(b"#", mark, end)]))
            event = following
        return ids

    def _control(self, first: int, payload: bytes, now: float) -> None:
        if first & 0x70:
            raise ProtocolError(f"reserved bits {first:#x}: no extension was negotiated")
        final = first & 0x80
        opcode = first & 0x0F
        if opcode == 0x9:
            self._send(client_frame(0xA, payload))
        elif opcode == 0xA:
            pass
        elif opcode == 0x8:
            # The closing handshake is complete once both sides sent a Close frame.
            if not self.closing:
                self._send(client_frame(0x8, payload[:2]))
                self.closing = True
            if self.transport is not None:
                self.transport.close()
        elif opcode in (0x1, 0x2):
            if self.fragments is not None:
                raise ProtocolError("new message inside a fragmented one")
            if final:
                self._message(payload, now)
            else:
                self.fragments = [payload]
        elif opcode == 0x0:
            if self.fragments is None:
                raise ProtocolError("continuation frame outside a message")
            self.fragments.append(payload)
            if final:
                whole = b"".join(self.fragments)
                self.fragments = None
                self._message(whole, now)
        else:
            raise ProtocolError(f"unknown opcode {opcode:#x}")

    def _message(self, payload: bytes, now: float) -> None:
        """A whole message off the fast path: a fragmented one, or one while opening."""
        if self.phase == WAITING:
            assert self.expect is not None
            if self.expect in payload:
                self.phase = STREAMING
                self.ready.set_result(None)
                self.owner.attach(self)
            return
        # Reuse the fast path on a frame rebuilt around the payload.
        size = len(payload)
        if size < 126:
            head = bytes((0x81, size))
        elif size < 1 << 16:
            head = bytes((0x81, 126)) + size.to_bytes(2, "big")
        else:
            head = bytes((0x81, 127)) + size.to_bytes(8, "big")
        self._frames(head + payload, now)

    def _other(self, payload: bytes) -> None:
        owner = self.owner
        owner.other_frames += 1
        if payload.startswith(b'{"type":"presence'):
            owner.presence_frames += 1
            owner.presence_bytes += len(payload)
        if len(owner.other_samples) < 5:
            owner.other_samples.append(payload[:200].decode(errors="replace"))

    # -- opening --------------------------------------------------------------------------------
    def _handshake(self, data: bytes) -> bytes:
        """Check the server's answer; return the bytes after it (frames already sent)."""
        end = data.find(b"\r\n\r\n")
        if end < 0:
            if len(data) > MAX_HEAD:
                self._fail(ProtocolError("handshake answer too long"))
            else:
                self.buffer = data
            return b""
        head = data[:end].decode("latin-1").split("\r\n")
        status = head[0].split(" ", 2)
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if len(status) < 2 or status[1] != "101":
            self._fail(ProtocolError(f"handshake refused: {head[0]}"))
            return b""
        if headers.get("sec-websocket-accept", "").encode() != self.accept:
            self._fail(ProtocolError("bad Sec-WebSocket-Accept"))
            return b""
        if headers.get("sec-websocket-extensions"):
            self._fail(ProtocolError(f"extension forced: {headers['sec-websocket-extensions']}"))
            return b""
        chosen = headers.get("sec-websocket-protocol")
        if chosen is not None and chosen != self.protocol:
            # A server that knows none of ours answers without one (RFC 6455 §4.2.2).
            self._fail(ProtocolError(f"subprotocol {chosen!r} not asked for"))
            return b""
        for hello in (self.hello,) if isinstance(self.hello, str) else self.hello or ():
            self._send(client_frame(0x1, hello.encode()))
        if self.expect is None:
            self.phase = STREAMING
            self.ready.set_result(None)
            self.owner.attach(self)
        else:
            self.phase = WAITING
        return data[end + 4:]

    def _send(self, frame: bytes) -> None:
        if not self.closing and self.transport is not None and not self.transport.is_closing():
            self.transport.write(frame)

    def _fail(self, error: Exception) -> None:
        if not self.ready.done():
            self.ready.set_exception(error)
        else:
            sample = f"generator: {error!r}"
            if len(self.owner.other_samples) < 5:
                self.owner.other_samples.append(sample)
        self.buffer = b""
        if self.transport is not None:
            self.transport.abort()

    def close(self) -> None:
        """Start the closing handshake; ``lost`` resolves once the server closes TCP."""
        if self.phase == CLOSED or self.transport is None:
            return
        self._send(client_frame(0x8, (1000).to_bytes(2, "big")))
        self.closing = True


def opening_request(url: str, protocol: str | None = None) -> tuple[str, int, bytes, bytes]:
    """host, port, the HTTP upgrade request and the Sec-WebSocket-Accept it must get.
    No Sec-WebSocket-Extensions header: the servers never compress."""
    parts = urlsplit(url)
    if parts.scheme != "ws" or parts.hostname is None:
        raise ValueError(f"unsupported url {url}")
    port = parts.port or 80
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    key = base64.b64encode(os.urandom(16))
    accept = base64.b64encode(hashlib.sha1(key + ACCEPT_GUID).digest())  # noqa: S324
    request = (f"GET {path} HTTP/1.1\r\nHost: {parts.hostname}:{port}\r\n"
               "Upgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key.decode()}\r\nSec-WebSocket-Version: 13\r\n"
               + (f"Sec-WebSocket-Protocol: {protocol}\r\n" if protocol else "")
               + "User-Agent: bench-fanout\r\n\r\n").encode()
    return parts.hostname, port, request, accept


class Subscribers:
    def __init__(self) -> None:
        self.links: list[Link] = []
        #: Messages low..high-1 are counted; one slot per message id in each array below.
        self.low = 0
        self.size = 0
        self.deliveries: list[int] = []
        self.firsts: list[float] = []
        self.lasts: list[float] = []
        self.time_sums: list[float] = []
        self.other_frames = 0
        self.other_samples: list[str] = []
        #: Frames that carried several events (``batch``).
        self.batch_frames = 0
        #: Presence hints received once streaming: how many, and their bytes.
        self.presence_frames = 0
        self.presence_bytes = 0
        self.closed_early = 0
        self.disconnecting = False
        #: Streaming connections, read by ``_pump`` rather than by their transports.
        self.epoll = select.epoll()
        self.by_fd: dict[int, Link] = {}
        self.fd_of: dict[Link, int] = {}
        self.loop = asyncio.get_running_loop()
        self.loop.add_reader(self.epoll.fileno(), self._wake)

    def attach(self, link: Link) -> None:
        """Take over the reads of a streaming connection.

        Even a bare ``Protocol`` costs one event-loop callback per ready socket (a handle,
        a context switch into it, the transport's checks): several microseconds, as much as
        parsing and recording a frame. The pump answers one loop callback for all the
        sockets ready at once and reads each with a single ``os.read``; writes (pongs, the
        closing handshake) still go through the transport."""
        assert link.transport is not None
        fd = link.transport.get_extra_info("socket").fileno()
        link.transport.pause_reading()
        self.by_fd[fd] = link
        self.fd_of[link] = fd
        self.epoll.register(fd, select.EPOLLIN)

    def detach(self, link: Link) -> None:
        fd = self.fd_of.pop(link, None)
        if fd is None:
            return
        del self.by_fd[fd]
        # The transport may have closed the socket already, which unregistered it.
        with contextlib.suppress(OSError):
            self.epoll.unregister(fd)

    def _wake(self) -> None:
        if COALESCE_SECONDS <= 0:
            self._pump()
            return
        self.loop.remove_reader(self.epoll.fileno())
        self.loop.call_later(COALESCE_SECONDS, self._pump_later)

    def _pump_later(self) -> None:
        self._pump()
        self.loop.add_reader(self.epoll.fileno(), self._wake)

    def _pump(self) -> None:
        by_fd = self.by_fd
        read = os.read
        monotonic = time.monotonic
        for fd, _events in self.epoll.poll(0):
            link = by_fd.get(fd)
            if link is None:
                continue
            try:
                data = read(fd, READ_SIZE)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError as error:
                link.end_of_stream(error)
                continue
            if data:
                link.feed(data, monotonic())
            else:
                link.end_of_stream(None)

    async def connect_all(self, targets: list[Target], concurrency: int,
                          open_seconds: float, spread: float = 0.0,
                          protocol: str | None = None) -> dict[str, Any]:
        """Open every target, asking for the websocket subprotocol ``protocol`` if given;
        with ``spread`` each one starts at a random moment of the first ``spread`` seconds
        (a reconnect storm: clients dropped at once come back with jitter)."""
        loop = asyncio.get_running_loop()
        jitter = random.Random(len(targets))
        gate = asyncio.Semaphore(concurrency)
        errors: list[str] = []
        failed: list[int] = []
        self.disconnecting = False

        async def one(target: Target) -> Link | None:
            index, url, hello, expect = target
            link: Link | None = None
            if spread > 0:
                await asyncio.sleep(jitter.uniform(0, spread))
            async with gate:
                try:
                    async with asyncio.timeout(open_seconds):
                        host, port, request, accept = opening_request(url, protocol)
                        _, link = await loop.create_connection(
                            lambda: Link(self, index, request, accept, hello, expect,
                                         protocol),
                            host, port)
                        await link.ready
                        return link
                except Exception as error:
                    errors.append(f"{url.split('?')[0]}: {error!r}")
                    failed.append(index)
                    if link is not None and link.transport is not None:
                        link.transport.abort()
                    return None

        started = time.monotonic()
        for link in await asyncio.gather(*(one(t) for t in targets)):
            if link is not None:
                self.links.append(link)
        ended = time.monotonic()
        return {"connected": len(self.links), "errors": errors[:5], "failed": failed,
                "error_count": len(errors), "seconds": ended - started,
                "started": started, "ended": ended}

    async def prune(self) -> list[int]:
        """Forget the connections the server closed; return their target indices."""
        lost = [link.target for link in self.links if link.phase == CLOSED]
        if lost:
            self.links = [link for link in self.links if link.phase != CLOSED]
        return lost

    def reset(self, low: int, high: int) -> None:
        self.low, self.size = low, high - low
        self.deliveries = [0] * self.size
        self.firsts = [0.0] * self.size
        self.lasts = [0.0] * self.size
        self.time_sums = [0.0] * self.size
        for link in self.links:
            link.count = link.id_sum = link.out_of_order = 0
            link.last_id = -1
        self.other_frames = 0
        self.other_samples = []
        self.batch_frames = 0
        self.presence_frames = self.presence_bytes = 0

    def total(self) -> int:
        return sum(link.count for link in self.links)

    def snapshot(self) -> dict[str, Any]:
        low = self.low
        seen = {low + slot: [n, self.firsts[slot], self.lasts[slot], self.time_sums[slot]]
                for slot, n in enumerate(self.deliveries) if n}
        return {"seen": seen, "counts": [link.count for link in self.links],
                "sums": [link.id_sum for link in self.links],
                "out_of_order": sum(link.out_of_order for link in self.links),
                "other_frames": self.other_frames, "other_samples": self.other_samples,
                "batch_frames": self.batch_frames,
                "presence_frames": self.presence_frames, "presence_bytes": self.presence_bytes,
                "closed_early": self.closed_early}

    def abort(self) -> None:
        """Drop every connection at once, without a closing handshake (a network cut)."""
        self.disconnecting = True
        for link in self.links:
            self.detach(link)
            if link.transport is not None:
                link.transport.abort()
        self.links.clear()
        self.closed_early = 0

    async def disconnect(self) -> None:
        self.disconnecting = True
        for link in self.links:
            link.close()
        waiting = [link.lost for link in self.links]
        if waiting:
            await asyncio.wait(waiting, timeout=2)
        for link in self.links:
            if link.transport is not None and link.phase != CLOSED:
                link.transport.abort()
        self.links.clear()
        self.closed_early = 0


async def serve(pipe: Connection) -> None:
    loop = asyncio.get_running_loop()
    subscribers = Subscribers()
    while True:
        command, argument = await loop.run_in_executor(None, pipe.recv)
        if command == "connect":
            pipe.send(await subscribers.connect_all(*argument))
        elif command == "reset":
            subscribers.reset(*argument)
            pipe.send(None)
        elif command == "prune":
            pipe.send(await subscribers.prune())
        elif command == "total":
            pipe.send(subscribers.total())
        elif command == "snapshot":
            pipe.send(subscribers.snapshot())
        elif command == "abort":
            subscribers.abort()
            pipe.send(None)
        elif command == "disconnect":
            await subscribers.disconnect()
            pipe.send(None)
        elif command == "exit":
            await subscribers.disconnect()
            pipe.send(None)
            return


def main(pipe: Connection) -> None:
    """Process entry point. Always the standard event loop, even where uvloop is installed:
    the pump makes it as cheap per frame as uvloop with protocols, and under uvloop the
    pump's epoll nested in libuv's cost twice the kernel time."""
    asyncio.run(serve(pipe))
