"""Who is online in a space, across server processes. Never written to the event log.

Each hub knows the people connected to it; it announces that list to the other hubs through
the channel layer when it changes and as a heartbeat. A space's online list is the union of
its own list and the other hubs' lists that are still fresh, so a person who leaves disappears
at once, and the people of a process that died disappear after ``PRESENCE_TTL`` seconds.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from realtime.frames import dumps
from realtime.store import StreamKey

HEARTBEAT_SECONDS = 4.0
PRESENCE_TTL = 3 * HEARTBEAT_SECONDS

Person = tuple[int, str, str]  # (user id, display name, label told apart from namesakes)


@dataclass
class SpacePresence:
    local: frozenset[Person] = frozenset()
    #: hub channel -> (people, monotonic time the list expires)
    remote: dict[str, tuple[frozenset[Person], float]] = field(default_factory=dict)
    shown: frozenset[Person] = frozenset()

    def online(self, now: float) -> frozenset[Person]:
        people = set(self.local)
        for listed, expires in self.remote.values():
            if expires > now:
                people |= listed
        return frozenset(people)


class Presence:
    def __init__(self) -> None:
        self.spaces: dict[StreamKey, SpacePresence] = {}

    def set_local(self, key: StreamKey, people: Iterable[Person]) -> bool:
        """Record who is connected here; True when that differs from the last announcement."""
        state = self.spaces.setdefault(key, SpacePresence())
        people = frozenset(people)
        if people == state.local:
            return False
        state.local = people
        return True

    def set_remote(self, key: StreamKey, hub: str, people: Iterable[Person]) -> None:
        state = self.spaces.setdefault(key, SpacePresence())
        state.remote[hub] = (frozenset(people), time.monotonic() + PRESENCE_TTL)

    def forget(self, key: StreamKey) -> None:
        self.spaces.pop(key, None)

    def frame_if_changed(self, key: StreamKey, label: str) -> str | None:
        """The ``presence`` frame for a space when its online list changed since last shown."""
        state = self.spaces.get(key)
        if state is None:
            return None
        online = state.online(time.monotonic())
        if online == state.shown:
            return None
        state.shown = online
        return self.frame(key, label)

    def frame(self, key: StreamKey, label: str) -> str:
        state = self.spaces.get(key) or SpacePresence()
        online = sorted(state.online(time.monotonic()), key=lambda p: (p[1].casefold(), p[0]))
        return dumps({"type": "presence", "space": label,
                      # p[-1]: a hub still running the previous release announces pairs.
                      "online": [{"id": p[0], "display_name": p[1], "label": p[-1]}
                                 for p in online]})

    def beacon(self, key: StreamKey, hub: str) -> dict[str, object]:
        state = self.spaces.get(key) or SpacePresence()
        return {"type": "hub.presence", "stream": list(key), "hub": hub,
                "people": [list(p) for p in state.local]}
