"""Waiting for a condition instead of sleeping a fixed time.

A fixed sleep is either too short on a busy machine (the test flickers) or too long everywhere
(the suite crawls). These poll the condition often and give up after a bound, with a message
saying what never happened.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

POLL_SECONDS = 0.01


def wait_until(condition: Callable[[], object], *, within: float = 5.0,
               message: str = "the condition never held") -> None:
    """Return as soon as ``condition()`` is true; fail after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} (after {within} s)")
        time.sleep(POLL_SECONDS)


async def async_wait_until(condition: Callable[[], object], *, within: float = 5.0,
                           message: str = "the condition never held") -> None:
    """``wait_until`` for a test running in the event loop: the loop keeps running meanwhile."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} (after {within} s)")
        await asyncio.sleep(POLL_SECONDS)
