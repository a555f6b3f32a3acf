from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from communities.models import Thread
from replies.lmtp import serve
from tests.conftest import People
from tests.replies.helpers import discussion
from tests.servers import free_port


@pytest.fixture
def thread(people: People) -> Thread:
    return discussion(author=people.facilitator, space=people.space)


@dataclass
class Listener:
    host: str
    port: int


@pytest.fixture
def lmtp_listener() -> Iterator[Listener]:
    """The real LMTP listener (replies.lmtp.serve) on a loopback port, in a thread of its own
    with its own event loop, as ``manage.py lmtp_server`` runs it."""
    port = free_port()
    loop = asyncio.new_event_loop()
    started = threading.Event()
    ready = asyncio.Event()

    async def run() -> None:
        task = asyncio.ensure_future(serve(host="127.0.0.1", port=port, workers=2,
                                           started=ready))
        await ready.wait()
        started.set()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    main = loop.create_task(run())
    thread = threading.Thread(target=loop.run_until_complete, args=(main,), daemon=True)
    thread.start()
    assert started.wait(10), "the LMTP listener did not start"
    try:
        yield Listener(host="127.0.0.1", port=port)
    finally:
        for task in asyncio.all_tasks(loop):
            loop.call_soon_threadsafe(task.cancel)
        thread.join(10)
        loop.close()
