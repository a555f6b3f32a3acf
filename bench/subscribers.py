"""One load-generator process: a few hundred websocket subscribers on one event loop.

The parent drives it over a pipe. Each received frame is timestamped with the monotonic
clock, which every process on the machine shares, so the parent can subtract its own send
times. Only counters and one record per message id are kept: nothing per delivery.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from multiprocessing.connection import Connection
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from bench.common import MARK

#: (index, url, first text frame to send or None, bytes the answer must contain or None)
Target = tuple[int, str, str | None, bytes | None]


class Subscribers:
    def __init__(self) -> None:
        self.sockets: list[ClientConnection] = []
        self.target_of: list[int] = []
        self.readers: list[asyncio.Task[None]] = []
        self.counts: list[int] = []
        #: Sum of the message ids each connection got: with its count, proves it got each once.
        self.sums: list[int] = []
        #: message id -> [deliveries, first receive time, last receive time, sum of times]
        self.seen: dict[int, list[float]] = {}
        self.low = 0
        self.high = 0
        self.total = 0
        self.other_frames = 0
        self.other_samples: list[str] = []
        self.closed_early = 0

    async def connect_all(self, targets: list[Target], concurrency: int,
                          open_seconds: float) -> dict[str, Any]:
        gate = asyncio.Semaphore(concurrency)
        errors: list[str] = []
        failed: list[int] = []

        async def one(target: Target) -> tuple[int, ClientConnection | None]:
            index, url, hello, expect = target
            async with gate:
                try:
                    async with asyncio.timeout(open_seconds):
                        # No compression: the servers under test send one encoding to all.
                        ws = await connect(url, compression=None, max_size=2**20,
                                           ping_interval=None, open_timeout=open_seconds)
                        if hello is not None:
                            await ws.send(hello)
                        if expect is not None:
                            while expect not in await ws.recv(decode=False):
                                pass
                        return index, ws
                except Exception as error:
                    errors.append(f"{url.split('?')[0]}: {error!r}")
                    failed.append(index)
                    return index, None

        started = time.monotonic()
        for index, ws in await asyncio.gather(*(one(t) for t in targets)):
            if ws is not None:
                self._add(index, ws)
        return {"connected": len(self.sockets), "errors": errors[:5], "failed": failed,
                "error_count": len(errors), "seconds": time.monotonic() - started}

    async def prune(self) -> list[int]:
        """Forget the connections the server closed; return their target indices."""
        gone = {k for k, ws in enumerate(self.sockets) if ws.close_code is not None}
        if not gone:
            return []
        lost = [self.target_of[k] for k in sorted(gone)]
        kept = [(self.target_of[k], ws) for k, ws in enumerate(self.sockets) if k not in gone]
        # Readers index the counters by position: restart them on the new positions.
        for task in self.readers:
            task.cancel()
        for task in self.readers:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.sockets, self.target_of, self.readers = [], [], []
        self.counts.clear()
        self.sums.clear()
        for target, ws in kept:
            self._add(target, ws)
        return lost

    def _add(self, target: int, ws: ClientConnection) -> None:
        index = len(self.sockets)
        self.sockets.append(ws)
        self.target_of.append(target)
        self.counts.append(0)
        self.sums.append(0)
        self.readers.append(asyncio.get_running_loop().create_task(self._read(index, ws)))

    async def _read(self, index: int, ws: ClientConnection) -> None:
        seen = self.seen
        counts = self.counts
        sums = self.sums
        monotonic = time.monotonic
        try:
            while True:
                data = await ws.recv(decode=False)
                now = monotonic()
                assert isinstance(data, bytes)
                start = data.find(MARK)
                if start < 0:
                    self.other_frames += 1
                    if len(self.other_samples) < 5:
                        self.other_samples.append(data[:200].decode(errors="replace"))
                    continue
                start += len(MARK)
                message_id = int(data[start:data.index(b"#", start)])
                if not self.low <= message_id < self.high:
                    continue
                record = seen.get(message_id)
                if record is None:
                    seen[message_id] = [1, now, now, now]
                else:
                    record[0] += 1
                    record[2] = now
                    record[3] += now
                counts[index] += 1
                sums[index] += message_id
                self.total += 1
        except asyncio.CancelledError:
            raise
        except Exception:
            self.closed_early += 1

    def reset(self, low: int, high: int) -> None:
        self.low, self.high = low, high
        # In place: the readers hold references to these two.
        self.seen.clear()
        self.counts[:] = [0] * len(self.sockets)
        self.sums[:] = [0] * len(self.sockets)
        self.total = 0
        self.other_frames = 0
        self.other_samples = []

    def snapshot(self) -> dict[str, Any]:
        return {"seen": self.seen, "counts": list(self.counts),
                "sums": list(self.sums), "other_frames": self.other_frames,
                "other_samples": self.other_samples, "closed_early": self.closed_early}

    async def disconnect(self) -> None:
        for task in self.readers:
            task.cancel()
        for task in self.readers:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        async def close(ws: ClientConnection) -> None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await ws.close()
        await asyncio.gather(*(close(ws) for ws in self.sockets))
        self.sockets.clear()
        self.target_of.clear()
        self.readers.clear()
        self.counts.clear()
        self.sums.clear()
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
            pipe.send(subscribers.total)
        elif command == "snapshot":
            pipe.send(subscribers.snapshot())
        elif command == "disconnect":
            await subscribers.disconnect()
            pipe.send(None)
        elif command == "exit":
            await subscribers.disconnect()
            pipe.send(None)
            return


def main(pipe: Connection) -> None:
    """Process entry point. uvloop, when installed, keeps the generator's own cost down."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve(pipe))
    else:
        uvloop.run(serve(pipe))
