"""The latest events of each stream, already encoded, so a thousand clients resuming the same
missed events after a drop are served one log read instead of a thousand.

The log stays the source of truth; this only remembers what a read of it returned. It is
filled by the hub's replay reads (one reader per stream at a time, the others wait for it and
are served what it read) and serves a replay only when it holds, without a gap, everything
from the client's position up to the head the replay was asked to reach. That last condition
is what keeps a deleted message's words out: deleting a message rewrites the earlier events
that quote it *and* appends ``message.deleted`` in the same transaction, so frames read before
the deletion are stale exactly when the log has an event they have not seen. Reaching a head
past the deletion means reading it here first, and a read that brings a ``message.deleted``
replaces everything remembered before it with what that (fresher) read returned.

Bounded: at most ``max_events`` per stream (the replay limit), ``max_bytes`` of frames in all
(least recently used streams go first), and a stream nobody replayed for ``keep_seconds`` is
forgotten, whether or not anyone is still subscribed to it here.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from realtime.link import AsgiMessage, text_message
from realtime.store import StoredEvent, StreamKey

#: Kinds whose commit rewrote earlier events of the log (see forget_in_event_log).
REWRITES_LOG = frozenset({"message.deleted"})


@dataclass(frozen=True, slots=True)
class Recent:
    seq: int
    frame: str
    #: The ASGI message of the frame, built once: servers only read it.
    message: AsgiMessage
    revokes: int | None


@dataclass(slots=True)
class _Run:
    """What one stream's frames are remembered: seqs first .. first + len - 1, no gap."""

    label: str
    events: list[Recent] = field(default_factory=list)
    size: int = 0
    used: float = 0.0

    @property
    def first(self) -> int:
        return self.events[0].seq

    @property
    def last(self) -> int:
        return self.events[-1].seq


def from_stored(event: StoredEvent) -> Recent:
    return Recent(seq=event.seq, frame=event.frame, message=text_message(event.frame),
                  revokes=event.revokes)


class RecentFrames:
    def __init__(self, *, max_events: int, max_bytes: int, keep_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.max_events = max_events
        self.max_bytes = max_bytes
        self.keep_seconds = keep_seconds
        self.runs: OrderedDict[StreamKey, _Run] = OrderedDict()  # least recently used first
        self.size = 0
        #: Moves whenever remembered frames are dropped or replaced; a log read started
        #: before a move is not added (it may predate what made them go).
        self.epoch = 0

    # --- reading -----------------------------------------------------------------------------
    def get(self, key: StreamKey, label: str, after: int, upto: int,
            limit: int) -> list[Recent] | None:
        """Events after < seq <= min(upto, after + limit), oldest first, if every one of them
        is here and so is everything up to ``upto``; else None (read the log)."""
        run = self.runs.get(key)
        if run is None or run.label != label or not after < upto:
            return None
        if run.used + self.keep_seconds < self.clock():
            self._drop(key)
            return None
        if run.first > after + 1 or run.last < upto:
            return None
        start = after + 1 - run.first
        run.used = self.clock()
        self.runs.move_to_end(key)
        return run.events[start:start + min(limit, upto - after)]

    def last(self, key: StreamKey, label: str, after: int) -> int | None:
        """The last seq remembered, if the frames here start at or before ``after + 1``: a
        read of the log from there extends them without a gap."""
        run = self.runs.get(key)
        if run is None or run.label != label or run.first > after + 1:
            return None
        return run.last

    # --- filling -----------------------------------------------------------------------------
    def add(self, key: StreamKey, label: str, events: list[StoredEvent], epoch: int) -> None:
        """Remember what a log read returned (consecutive seqs, oldest first). ``epoch`` is
        ``self.epoch`` as it was when the read started."""
        if not events or epoch != self.epoch:
            return
        if events[-1].seq - events[0].seq != len(events) - 1:
            return  # not a run (the log returns them in seq order): never guess the gap
        fresh = [from_stored(e) for e in events]
        run = self.runs.get(key)
        rewrote = any(e.kind in REWRITES_LOG for e in events)
        if rewrote:
            # Fresher than anything remembered, and than any read still under way: those
            # started before the rewrite was seen must not add what they read.
            self.epoch += 1
            self._replace(key, label, fresh)
        elif run is None or run.label != label:
            self._replace(key, label, fresh)
        elif fresh[0].seq <= run.last + 1 and fresh[-1].seq > run.last:
            # Continues the run (overlap: the newer read wins for the seqs both hold).
            kept = run.events[:max(0, fresh[0].seq - run.first)]
            self._replace(key, label, kept + fresh, bump=False)
        elif fresh[0].seq < run.first and fresh[-1].seq >= run.first - 1:
            # Precedes it: the older frames the run lacked.
            kept = run.events[fresh[-1].seq + 1 - run.first:]
            self._replace(key, label, fresh + kept, bump=False)
        elif fresh[0].seq > run.last + 1:
            self._replace(key, label, fresh)  # a newer run than the one remembered
        else:
            return  # already held (or older and apart): nothing to learn
        self._trim()

    def forget(self, key: StreamKey) -> None:
        if key in self.runs:
            self._drop(key)

    def clear(self) -> None:
        self.runs.clear()
        self.size = 0
        self.epoch += 1

    # --- bounds ------------------------------------------------------------------------------
    def _replace(self, key: StreamKey, label: str, events: list[Recent], *,
                 bump: bool = True) -> None:
        old = self.runs.pop(key, None)
        if old is not None:
            self.size -= old.size
            if bump:
                self.epoch += 1
        events = events[-self.max_events:]
        run = _Run(label=label, events=events, size=sum(len(e.frame) for e in events),
                   used=self.clock())
        self.runs[key] = run
        self.size += run.size

    def _drop(self, key: StreamKey) -> None:
        run = self.runs.pop(key)
        self.size -= run.size
        self.epoch += 1

    def _trim(self) -> None:
        now = self.clock()
        for key, run in list(self.runs.items()):
            if run.used + self.keep_seconds >= now:
                break  # the rest were used more recently
            self._drop(key)
        while self.size > self.max_bytes and self.runs:
            self._drop(next(iter(self.runs)))
