"""Give back to the system the memory a burst of connections left free.

A connect or reconnect storm allocates handshakes, replay pages and frames all at once. Once
they are freed, glibc keeps most of those pages inside its heap (it only returns the top of
the heap by itself), so the process stays near the storm's peak for as long as it lives, and
every later storm on a node starts from there. ``malloc_trim(0)`` also returns the free pages
inside the heap. Python's own small objects live in arenas it maps and unmaps itself; this
is about everything larger (buffers, dicts of headers, frames).

It runs from the hub's audit tick, in a thread (ctypes lets go of the GIL for the call, so
the event loop keeps serving while it runs), once a burst is over: when links have come or
gone since the last trim and then nothing moved for ``quiet`` seconds, or at the latest every
``every`` seconds while they keep moving. An idle process whose links stay put never trims
twice. Where the C library has no ``malloc_trim`` (musl, macOS), nothing is done.
"""

from __future__ import annotations

import ctypes
import time
from collections.abc import Callable

Trim = Callable[[int], int]


def malloc_trim() -> Trim | None:
    """glibc's ``malloc_trim`` from the process's own C library, or None elsewhere."""
    try:
        function = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_size_t]
    function.restype = ctypes.c_int
    return function  # type: ignore[no-any-return]


class Trimmer:
    """Decides when the hub trims, from its roster's version and the loop's clock."""

    __slots__ = (
        "_burst_started",
        "_moved_at",
        "_seen_version",
        "_trim",
        "_trimmed_version",
        "every",
        "quiet",
        "trims",
    )

    def __init__(self, *, quiet: float, every: float, trim: Trim | None = None) -> None:
        self.quiet = quiet
        self.every = every
        self._trim = trim
        self._trimmed_version = 0
        self._seen_version = 0
        self._moved_at = 0.0
        self._burst_started = 0.0
        #: How many trims ran (tests read it).
        self.trims = 0

    @property
    def available(self) -> bool:
        return self._trim is not None

    def due(self, roster_version: int, now: float) -> bool:
        """True when links came or went since the last trim and the burst is over (still for
        ``quiet`` seconds) or has lasted ``every`` seconds since the last trim."""
        if self._trim is None or roster_version == self._trimmed_version:
            return False
        if roster_version != self._seen_version:
            if self._seen_version == self._trimmed_version:
                self._burst_started = now
            self._seen_version = roster_version
            self._moved_at = now
        return now - self._moved_at >= self.quiet or now - self._burst_started >= self.every

    def done(self, roster_version: int) -> None:
        """The trim that ``due`` asked for ran with the roster at ``roster_version``."""
        self._trimmed_version = roster_version

    def trim(self) -> float:
        """Run the trim (in the caller's thread); returns the seconds it took."""
        assert self._trim is not None
        started = time.perf_counter()
        self._trim(0)
        self.trims += 1
        return time.perf_counter() - started
