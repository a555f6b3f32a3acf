"""realtime.memory: freed memory goes back to the system once a burst of connections is over,
never over and over on an idle process, and the hub's audit tick does it off the loop."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import threading

import pytest

from realtime.hub import Hub
from realtime.memory import Trimmer


class Calls:
    def __init__(self) -> None:
        self.pads: list[int] = []
        self.threads: set[int] = set()

    def __call__(self, pad: int) -> int:
        self.pads.append(pad)
        self.threads.add(threading.get_ident())
        return 1


def test_a_burst_is_trimmed_once_it_is_over_and_an_idle_process_never_again() -> None:
    calls = Calls()
    trimmer = Trimmer(quiet=5, every=60, trim=calls)
    assert not trimmer.due(0, 100.0)  # nothing came or went since the process started
    assert not trimmer.due(1, 100.0)  # links arriving
    assert not trimmer.due(2, 103.0)
    assert not trimmer.due(2, 107.9)  # still within 5 s of the last arrival
    assert trimmer.due(2, 108.0)
    trimmer.trim()
    trimmer.done(2)
    assert calls.pads == [0] and trimmer.trims == 1
    for later in (109.0, 200.0, 10_000.0):
        assert not trimmer.due(2, later)


def test_links_that_never_stop_moving_are_trimmed_every_minute() -> None:
    trimmer = Trimmer(quiet=5, every=60, trim=Calls())
    due_at = []
    for second in range(1000, 1200):  # someone comes or goes every second
        if trimmer.due(second, float(second)):
            due_at.append(second)
            trimmer.done(second)
    assert due_at == [1060, 1121, 1182]


def test_a_move_during_the_trim_starts_the_next_burst() -> None:
    trimmer = Trimmer(quiet=5, every=60, trim=Calls())
    trimmer.due(1, 0.0)
    assert trimmer.due(1, 5.0)
    trimmer.done(1)
    assert not trimmer.due(1, 6.0)
    assert not trimmer.due(2, 7.0)  # came while the trim ran
    assert trimmer.due(2, 12.0)


def test_without_malloc_trim_nothing_is_ever_due() -> None:
    trimmer = Trimmer(quiet=0, every=0, trim=None)
    assert not trimmer.available
    assert not trimmer.due(1, 100.0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_malloc_trim_hands_freed_heap_pages_back_to_the_system() -> None:
    """In a fresh interpreter: blocks under glibc's mmap threshold (64 KiB) fill the heap, one
    in twenty stays so the heap's top cannot shrink by itself, the rest is freed."""
    script = textwrap.dedent("""
        import os
        from realtime.memory import malloc_trim

        def rss():
            with open("/proc/self/statm") as f:
                return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

        blocks = [bytearray(64 * 1024) for _ in range(3000)]
        kept = blocks[::20]
        del blocks
        freed = rss()
        trim = malloc_trim()
        assert trim is not None
        trim(0)
        print(freed, rss(), len(kept))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=60).stdout.split()
    freed, trimmed = int(out[0]), int(out[1])
    assert freed > 150 * 2**20
    assert trimmed < freed - 100 * 2**20, (freed, trimmed)


async def test_the_hub_trims_off_the_loop_after_links_settle() -> None:
    hub = Hub(None, audit_seconds=0.02)
    calls = Calls()
    hub.trimmer = Trimmer(quiet=0.1, every=60, trim=calls)
    await hub.start()
    try:
        await asyncio.sleep(0.3)
        assert calls.pads == []  # no link came: nothing to give back
        hub.roster_version += 1
        for _ in range(100):
            if calls.pads:
                break
            await asyncio.sleep(0.02)
        assert calls.pads == [0]
        assert threading.get_ident() not in calls.threads
        await asyncio.sleep(0.3)
        assert calls.pads == [0]  # still, so never again
    finally:
        await hub.stop()
