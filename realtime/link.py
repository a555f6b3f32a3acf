"""One websocket as the hub sees it: an ordered outgoing queue with a bound, drained by a
single writer task so frames never interleave and a slow peer is noticed."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from realtime.store import StreamKey

SendText = Callable[[str], Awaitable[None]]
Close = Callable[[int], Awaitable[None]]


@dataclass(eq=False)
class Link:
    user_id: int
    send_text: SendText
    close: Close
    max_pending: int
    #: Set for browser connections; the audit closes the link once the session is gone.
    session_key: str | None = None
    #: Stream key -> the label clients know it by (space slug or "@me").
    streams: dict[StreamKey, str] = field(default_factory=dict)
    _queue: deque[str] = field(default_factory=deque)
    _wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    _drained: asyncio.Event = field(default_factory=asyncio.Event)
    _writer: asyncio.Task[None] | None = None
    closed: bool = False

    def start(self) -> None:
        self._drained.set()
        self._writer = asyncio.get_running_loop().create_task(self._write_loop())

    def offer(self, frame: str) -> bool:
        """Queue a live frame without waiting. False means the peer is too far behind."""
        if self.closed:
            return True
        if len(self._queue) >= self.max_pending:
            return False
        self._queue.append(frame)
        self._drained.clear()
        self._wakeup.set()
        return True

    async def send(self, frame: str) -> None:
        """Queue a frame regardless of the bound and wait until the queue has drained: replays
        use this so reading the log never outruns the peer."""
        if self.closed:
            return
        self._queue.append(frame)
        self._drained.clear()
        self._wakeup.set()
        await self._drained.wait()

    def discard_pending(self) -> None:
        self._queue.clear()
        self._drained.set()

    async def _write_loop(self) -> None:
        queue = self._queue
        try:
            while True:
                if not queue:
                    self._drained.set()
                    self._wakeup.clear()
                    await self._wakeup.wait()
                    continue
                await self.send_text(queue.popleft())
        except asyncio.CancelledError:
            raise
        except Exception:
            # The transport is gone; the consumer's disconnect handler detaches the link.
            self.closed = True
            self._drained.set()

    async def stop(self) -> None:
        self.closed = True
        self._drained.set()
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._writer
