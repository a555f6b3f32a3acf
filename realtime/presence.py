"""Who is online in a space, across server processes. Never written to the event log.

Each hub counts the connections each person has open to it, per space, and announces its list
to the other hubs through the channel layer when it changed and as a heartbeat. A space's
online list is the union of its own list and the other hubs' lists that are still fresh, so
a person who leaves disappears at the next flush, and the people of a process that died
disappear after ``PRESENCE_TTL`` seconds.

A list travels as one JSON text, encoded when the hub's people change and not at each
heartbeat: every hub receives every announcement of the group, its own included, and a list
sent as a thousand small arrays made each hub unpack a thousand objects per space every few
seconds, which with thousands of idle connections held set off full garbage collections of
the whole process (a quarter of a second each). A receiver compares the text with the one
that hub sent before and reads it only when it differs.

Connections are told what changed, never the whole list again: a storm of a thousand
subscribes would otherwise send a thousand lists of up to a thousand names to each of a
thousand connections. Changes are gathered for ``DEBOUNCE_SECONDS`` and flushed as one
``presence`` frame with ``joined`` and ``left``; a new subscriber gets the list shown at
that moment once, with ``online``. Both are keyed by person id, so applying a change twice
changes nothing.
"""

from __future__ import annotations

import bisect
import json
import time
from collections import Counter
from collections.abc import Iterable

from realtime.frames import dumps
from realtime.store import StreamKey

HEARTBEAT_SECONDS = 4.0
PRESENCE_TTL = 3 * HEARTBEAT_SECONDS
#: How long changes are gathered before connections are told: long enough that a storm of
#: subscribes costs a few frames per connection, short enough to feel immediate.
DEBOUNCE_SECONDS = 0.2

#: What hubs announce their people with: ``hub.here`` (the list as JSON text) and, from a hub
#: of an earlier release during a rolling restart, ``hub.presence`` (the list as arrays).
PRESENCE_KINDS = frozenset({"hub.here", "hub.presence"})

Person = tuple[int, str, str]  # (user id, display name, label told apart from namesakes)


def _person(p: Person) -> dict[str, object]:
    # p[-1]: a hub still running an earlier release announces (id, name) pairs.
    return {"id": p[0], "display_name": p[1], "label": p[-1]}


def _order(p: Person) -> tuple[str, int]:
    return (p[1].casefold(), p[0])


class SpacePresence:
    __slots__ = ("announced", "changes", "flush_due", "listing", "local", "remote", "shown")

    def __init__(self) -> None:
        #: person -> number of this hub's live connections subscribed to the space
        self.local: Counter[Person] = Counter()
        #: Moves when a person comes or goes here (not with their connection count).
        self.changes = 0
        #: What the other hubs were last told about this hub's people: ``changes`` then, and
        #: the list as sent.
        self.announced: tuple[int, str] = (0, "[]")
        #: hub channel -> (people, the text they came as, monotonic time the list expires)
        self.remote: dict[str, tuple[frozenset[Person], str, float]] = {}
        #: person id -> person, as this hub's connections were last told.
        self.shown: dict[int, Person] = {}
        #: ``shown`` in list order, as sort keys and as encoded people; built once per flush
        #: for every subscriber until the next (a storm's thousand newcomers each get it).
        self.listing: tuple[list[tuple[str, int]], list[str]] | None = None
        self.flush_due = False

    def ordered(self) -> tuple[list[tuple[str, int]], list[str]]:
        if self.listing is None:
            people = sorted(self.shown.values(), key=_order)
            self.listing = ([_order(p) for p in people], [dumps(_person(p)) for p in people])
        return self.listing

    def online(self, now: float) -> dict[int, Person]:
        people = set(self.local)
        for listed, _text, expires in self.remote.values():
            if expires > now:
                people |= listed
        # One entry per person even when two hubs announce different labels for them (a
        # namesake joined in between): the greater tuple wins, the same on every hub.
        view: dict[int, Person] = {}
        for person in people:
            known = view.get(person[0])
            if known is None or person > known:
                view[person[0]] = person
        return view


class Presence:
    def __init__(self) -> None:
        self.spaces: dict[StreamKey, SpacePresence] = {}

    def _state(self, key: StreamKey) -> SpacePresence:
        state = self.spaces.get(key)
        if state is None:
            state = self.spaces[key] = SpacePresence()
        return state

    def join(self, key: StreamKey, person: Person) -> bool:
        """One more connection of ``person`` here; True when they were not here before."""
        state = self._state(key)
        state.local[person] += 1
        if state.local[person] > 1:
            return False
        state.changes += 1
        return True

    def leave(self, key: StreamKey, person: Person) -> bool:
        """One connection fewer; True when it was the person's last one here."""
        state = self.spaces.get(key)
        if state is None or person not in state.local:
            return False
        state.local[person] -= 1
        if state.local[person] > 0:
            return False
        del state.local[person]
        state.changes += 1
        return True

    def set_remote(self, key: StreamKey, hub: str, people: Iterable[Person] | str) -> bool:
        """Record another hub's list, as the JSON text of a beacon (or, from a hub of an
        earlier release, as arrays); True when it differs from what that hub said before."""
        state = self._state(key)
        expires = time.monotonic() + PRESENCE_TTL
        before = state.remote.get(hub)
        if isinstance(people, str):
            if before is not None and before[1] == people:
                state.remote[hub] = (before[0], people, expires)  # the heartbeat: still there
                return False
            listed = frozenset(tuple(p) for p in json.loads(people))
            state.remote[hub] = (listed, people, expires)
        else:
            listed = frozenset(people)
            state.remote[hub] = (listed, "", expires)
        return before is None or before[0] != listed

    def expired(self, key: StreamKey, now: float) -> bool:
        """Whether a list of another hub has gone stale and is still shown."""
        state = self.spaces.get(key)
        return state is not None and any(
            expires <= now and listed for listed, _text, expires in state.remote.values())

    def forget(self, key: StreamKey) -> None:
        self.spaces.pop(key, None)

    def mark_due(self, key: StreamKey) -> bool:
        """Note that a flush is wanted; True when none was pending (the caller schedules it)."""
        state = self._state(key)
        if state.flush_due:
            return False
        state.flush_due = True
        return True

    def local_changed(self, key: StreamKey) -> bool:
        state = self.spaces.get(key)
        return state is not None and state.changes != state.announced[0]

    def changes_frame(self, key: StreamKey, label: str) -> str | None:
        """The ``presence`` frame of what changed since the connections were last told, or
        None; from now on they are taken to know the new list."""
        state = self.spaces.get(key)
        if state is None:
            return None
        state.flush_due = False
        now = time.monotonic()
        view = state.online(now)
        # Expired lists said all they had to: forgotten, they are not tested at every tick.
        for hub in [h for h, (_p, _t, expires) in state.remote.items() if expires <= now]:
            del state.remote[hub]
        shown = state.shown
        joined = [p for pid, p in view.items() if shown.get(pid) != p]
        left = [pid for pid in shown if pid not in view]
        if not joined and not left:
            return None
        state.shown = view
        state.listing = None
        joined.sort(key=_order)
        return dumps({"type": "presence", "space": label,
                      "joined": [_person(p) for p in joined], "left": sorted(left)})

    def full_frame(self, key: StreamKey, label: str, newcomer: Person | None = None) -> str:
        """The list the connections were last told, for a new subscriber (with themself:
        the next change would add them anyway, and a connection is there until it leaves)."""
        state = self.spaces.get(key)
        keys, people = state.ordered() if state is not None else ([], [])
        if newcomer is not None and (state is None or newcomer[0] not in state.shown):
            at = bisect.bisect(keys, _order(newcomer))
            people = [*people[:at], dumps(_person(newcomer)), *people[at:]]
        # The same text as dumps() of the whole frame, from the people encoded once.
        space = json.dumps(label, ensure_ascii=False)
        return f'{{"type":"presence","space":{space},"online":[{",".join(people)}]}}'

    def beacon(self, key: StreamKey, hub: str) -> dict[str, object]:
        """This hub's people for the other hubs, encoded again only when they changed."""
        state = self._state(key)
        if state.announced[0] != state.changes:
            people = sorted(state.local)
            state.announced = (state.changes, json.dumps(people, ensure_ascii=False,
                                                         separators=(",", ":")))
        return {"type": "hub.here", "stream": list(key), "hub": hub,
                "people": state.announced[1]}
