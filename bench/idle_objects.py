"""What one idle subscribed connection keeps allocated, counted by tracemalloc in one process.

    python -m bench.idle_objects [--subscribers 150] [--database-url postgres://…/bench_x]

The real ASGI application runs under uvicorn's own websocket protocol, in this process, on
transports that keep nothing of what is written; each connection opens with a ticket and
subscribes to a space and to ``@me`` as in ``bench.idle``. The Python memory the connections
still hold once subscribed is printed per connection, by file and by line. No sockets and no
storm: the figure does not move with the machine's load as resident memory does, and it
excludes the allocator's slack (``bench.idle`` measures the process as a whole).
Run it on two commits to see what a change saved.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import json
import os
import sys
import tracemalloc
from pathlib import Path
from typing import Any

from bench.fanout import hub_env
from bench.subscribers import client_frame

WARM = 40


class Transport:
    """What uvicorn's protocol needs of a transport; only whether a frame arrived is kept."""

    def __init__(self) -> None:
        self.subscribed = 0
        self.accepted = False
        self.closed = False

    def write(self, data: bytes) -> None:
        self.accepted = self.accepted or data.startswith(b"HTTP/1.1 101")
        self.subscribed += bytes(data).count(b'"subscribed"')

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(
            name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


def opening(ticket: str) -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    return (f"GET /ws/?ticket={ticket} HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode()


async def open_all(config: Any, tickets: list[str], hellos: list[bytes]) -> list[Any]:
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    from uvicorn.server import ServerState

    state = ServerState()
    protocols: list[Any] = []
    for ticket in tickets:
        protocol: Any = WebSocketsSansIOProtocol(config, state, {})
        protocol.connection_made(Transport())  # type: ignore[arg-type]
        protocol.data_received(opening(ticket))
        protocols.append(protocol)
    for _ in range(3000):
        await asyncio.sleep(0.05)
        if all(p.transport.accepted for p in protocols):
            break
    for protocol in protocols:
        for hello in hellos:
            protocol.data_received(hello)
    for _ in range(3000):
        await asyncio.sleep(0.05)
        if all(p.transport.subscribed >= len(hellos) for p in protocols):
            break
    return protocols


async def measure(n: int) -> None:
    from asgiref.sync import sync_to_async
    from uvicorn.config import Config

    from bench.dataset import issue_tickets, populate

    population = await sync_to_async(populate)(n + WARM)
    tickets = await sync_to_async(issue_tickets)(population.subscriber_ids)
    # collab.asgi checks the database at import: not from the event loop's thread.
    application = await sync_to_async(
        lambda: __import__("collab.asgi", fromlist=["application"]).application)()
    config = Config(app=application, ws_per_message_deflate=False, lifespan="off",
                    log_level="warning")
    config.load()
    hellos = [client_frame(0x1, json.dumps({"type": "subscribe", "space": space}).encode())
              for space in (population.space_slug, "@me")]
    kept = await open_all(config, tickets[:WARM], hellos)  # first allocations, caches
    await asyncio.sleep(3)
    gc.collect()
    tracemalloc.start(4)
    before = tracemalloc.take_snapshot()
    kept += await open_all(config, tickets[WARM:], hellos)
    await asyncio.sleep(4)  # presence flushes and audit ticks of the newcomers done
    gc.collect()
    after = tracemalloc.take_snapshot()
    subscribed = sum(p.transport.subscribed >= len(hellos) for p in kept[WARM:])
    here = Path(__file__).name
    print(f"{subscribed}/{n} subscribed (ASGI application under uvicorn's websocket "
          f"protocol, in process)")
    for group, top in (("filename", 15), ("lineno", 20)):
        stats = [s for s in after.compare_to(before, group)
                 if not s.traceback[0].filename.endswith(here)]
        total = sum(s.size_diff for s in stats)
        print(f"\nstill allocated: {total / n:.0f} B per connection, by {group}:")
        for stat in stats[:top]:
            if stat.size_diff <= 0:
                break
            frame = stat.traceback[0]
            place = (frame.filename.split("site-packages/")[-1] if group == "filename"
                     else f"{Path(frame.filename).name}:{frame.lineno}")
            print(f"  {stat.size_diff / n:7.0f} B  {stat.count_diff / n:6.2f} blocks  {place}")
    sys.stdout.flush()
    os._exit(0)  # the hub's threads and connections need no orderly end here


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.idle_objects", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=150)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="a name starting with bench_ is recreated")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL",
                                                              "redis://127.0.0.1:6379/0"))
    args = parser.parse_args(argv)
    from bench.dataset import prepare_database

    url, _how = prepare_database(args.database_url)
    # The servers' settings (production, no debug), in this process.
    os.environ.update(hub_env(args.redis_url, url, 60,
                              CHANNEL_LAYER_PREFIX=f"objects{os.getpid()}"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "collab.settings"
    import django

    django.setup()
    asyncio.run(measure(args.subscribers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
