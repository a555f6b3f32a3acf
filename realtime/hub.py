"""The per-process hub: one channel-layer subscription per stream, one encode per event, one
write per local connection.

Each server process runs a single hub. It joins the channel-layer group of every stream that
has local subscribers, receives each published event once, and offers the already-encoded
frame to each local link. The database stays the source of truth: the hub tracks the last
seq it delivered per stream, fills any gap from the log, and an audit tick re-reads stream
heads so events whose notification was lost (Redis down, process restart) still arrive.
The same tick re-checks membership, account status and sessions, which is how removed,
deactivated or signed-out people, and connections opened with a revoked or expired API token,
lose their live streams within two seconds.

Subscription without gap or duplicate: a subscriber is registered *before* the log is read,
so live frames dispatched meanwhile are buffered; after the replay up to the head read from
the database, only buffered frames with a higher seq are sent.

Coalescing under load: notifications go to the stream's inbox and one courier task per stream
delivers what is there. While it offers one run to the links, the next notifications gather;
its next pass takes them all and, to connections that speak the protocol's version 2, sends
them as one ``batch`` frame, encoded once for all of them: one socket write per connection
for several events. With one event waiting nothing changes, so a quiet stream's latency is
what it was; a busy one's per-connection cost is shared by the events of a batch.

Under load the courier also paces a stream: once it has sent, it sends that stream again only
after ``REALTIME_BATCH_WINDOW`` (40 ms by default), and what came in between goes together.
A stream that has been quiet for a window sends at once, so a conversation at a person's pace
waits for nothing; a stream taking more than 25 events a second sends at most 25 frames a
second to each connection, each carrying several events, instead of one write per event per
connection: the socket writes (and the clients' reads) are most of a fan-out's cost. An
event then waits at most one window, well inside the 100 ms a reader does not notice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from channels.layers import BaseChannelLayer, get_channel_layer
from django.conf import settings
from django.utils.translation import gettext as _

from realtime import metrics, store
from realtime.frames import (
    BATCH_MAX_BYTES,
    BATCH_MAX_EVENTS,
    batch_frame,
    dumps,
    error_frame,
    group_for,
)
from realtime.link import AsgiMessage, Link, text_message
from realtime.memory import Trimmer, malloc_trim
from realtime.presence import (
    DEBOUNCE_SECONDS,
    HEARTBEAT_SECONDS,
    PRESENCE_KINDS,
    Person,
    Presence,
)
from realtime.recent import Recent, RecentFrames, from_stored
from realtime.store import StreamKey

logger = logging.getLogger(__name__)

REPLAY_PAGE = 500
#: Encoded frames remembered for replays, all streams together, and for how long after the
#: last replay that used them (see realtime.recent).
RECENT_BYTES = 16 * 1024 * 1024
RECENT_SECONDS = 300.0
#: Frames offered between two turns of the loop (about 3 ms of work).
YIELD_EVERY = 100
#: Free memory goes back to the system once links stopped coming and going for this long,
#: or every minute while they keep moving (realtime.memory).
TRIM_QUIET_SECONDS = 5.0
TRIM_EVERY_SECONDS = 60.0


class Incoming(NamedTuple):
    """An event to deliver: its frame, who it revokes, when it was announced (live only)."""

    seq: int
    frame: str
    revokes: int | None
    at: float | None = None


#: What a batch's events may take: the frame around them, with a stream label of at most 100
#: characters, fits in the rest.
_BATCH_EVENT_BYTES = BATCH_MAX_BYTES - 512


def _runs(events: list[Incoming]) -> Iterator[list[Incoming]]:
    """Consecutive events cut into batches: bounded in count and bytes, and ending after an
    event that revokes someone, who must get it and nothing after it."""
    run: list[Incoming] = []
    size = 0
    for event in events:
        length = len(event.frame.encode()) + 1  # and its comma
        if run and (len(run) >= BATCH_MAX_EVENTS or size + length > _BATCH_EVENT_BYTES):
            yield run
            run, size = [], 0
        run.append(event)
        size += length
        if event.revokes is not None:
            yield run
            run, size = [], 0
    if run:
        yield run


def _person(link: Link) -> Person:
    return (link.user_id, link.display_name, link.label or link.display_name)


def _unservable(start: int, bounds: store.Bounds) -> str | None:
    """Why a replay from ``start`` cannot be served as a continuation, if it cannot."""
    if start < bounds.floor:
        return "pruned"
    if start > bounds.head:
        return "ahead"
    if bounds.head - start > settings.REALTIME_MAX_REPLAY:
        # Reloading the state costs less than replaying it frame by frame, and a replay must
        # not be a way to make the server send without end.
        return "too_far"
    return None


@dataclass(eq=False, slots=True)
class Stream:
    key: StreamKey
    label: str
    delivered: int
    live: set[Link] = field(default_factory=set)
    #: Links replaying from the log, with the live frames (seq, message) that arrived meanwhile.
    pending: dict[Link, list[tuple[int, AsgiMessage]]] = field(default_factory=dict)
    joined_group: bool = False
    catch_up: asyncio.Lock = field(default_factory=asyncio.Lock)
    #: Announced events not delivered yet, by seq, and the task delivering them.
    inbox: dict[int, Incoming] = field(default_factory=dict)
    courier: asyncio.Task[None] | None = None
    #: The loop's time before which the courier does not send again (the batch window).
    paced_until: float = 0.0

    @property
    def empty(self) -> bool:
        return not self.live and not self.pending


class Hub:
    def __init__(self, layer: BaseChannelLayer | None, *, audit_seconds: float) -> None:
        self.layer = layer
        self.audit_seconds = audit_seconds
        self.streams: dict[StreamKey, Stream] = {}
        self.links: set[Link] = set()
        self.channel_name: str | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._started = asyncio.Lock()
        self._stream_locks: dict[StreamKey, asyncio.Lock] = {}
        self.presence = Presence()
        self.presence_debounce = DEBOUNCE_SECONDS
        self.batch_window: float = settings.REALTIME_BATCH_WINDOW
        #: Moves whenever a link comes, goes or changes its live streams: the audit rebuilds
        #: what it asks the database only then.
        self.roster_version = 0
        self._roster_cache: tuple[int, store.Roster] | None = None
        self._background: set[asyncio.Task[None]] = set()
        self.trimmer = Trimmer(quiet=TRIM_QUIET_SECONDS, every=TRIM_EVERY_SECONDS,
                               trim=malloc_trim() if settings.REALTIME_TRIM_MEMORY else None)
        self.recent = RecentFrames(max_events=max(settings.REALTIME_MAX_REPLAY, REPLAY_PAGE),
                                   max_bytes=RECENT_BYTES, keep_seconds=RECENT_SECONDS)
        #: Per stream: the lock of its one log reader for replays, and how many want it.
        self._replay_locks: dict[StreamKey, list[Any]] = {}

    # --- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        async with self._started:
            if self._tasks:
                return
            loop = asyncio.get_running_loop()
            if self.layer is not None:
                self._tasks.append(loop.create_task(self._receive_loop()))
            self._tasks.append(loop.create_task(self._audit_loop()))

    async def stop(self) -> None:
        tasks = [*self._tasks, *self._background]
        for task in tasks:
            task.cancel()
        if tasks:
            # Bounded: channels_redis unsubscribes on cancellation and that can wait on a
            # dead connection; a hub that is going away must not hang its process on it.
            await asyncio.wait(tasks, timeout=2)
        self._tasks.clear()
        for link in list(self.links):
            await link.stop()
        self.links.clear()
        self.streams.clear()
        self.recent.clear()

    # --- links -------------------------------------------------------------------------------
    def attach(self, link: Link) -> None:
        self.links.add(link)
        self.roster_version += 1

    async def detach(self, link: Link) -> None:
        self.links.discard(link)
        self.roster_version += 1
        for key in list(link.streams):
            await self._leave(link, key)
        await link.stop()

    async def subscribe(self, link: Link, key: StreamKey, label: str, after: int | None,
                        *, bounds: store.Bounds | None = None) -> None:
        """Send ``subscribed``, every event after ``after`` from the log, then live events.

        ``bounds`` may have been read with the access check, before the link was registered
        here: whatever this hub delivered since then is not in the link's buffer, so the
        replay then reaches what the hub has delivered, from the log like the rest."""
        if key in link.streams:
            await self._leave(link, key)
        stream = await self._stream(key, label)
        stream.pending[link] = []
        link.streams[key] = label
        self.roster_version += 1
        try:
            if bounds is None:
                bounds = await store.bounds(key)
            elif stream.delivered > bounds.head:
                bounds = store.Bounds(head=stream.delivered, floor=bounds.floor)
            start = bounds.head if after is None else after
            reason = _unservable(start, bounds)
            if reason is not None:
                await self._leave(link, key)
                metrics.RESYNCS.labels(reason).inc()
                await link.send(text_message(dumps({"type": "resync", "space": label,
                                                    "reason": reason, "head": bounds.head})))
                return
            await link.send(text_message(dumps({"type": "subscribed", "space": label,
                                                "head": bounds.head})))
            cursor = start
            if cursor < bounds.head:
                metrics.REPLAYS.inc()
                metrics.REPLAYED_EVENTS.inc(bounds.head - cursor)
            while cursor < bounds.head and not link.closed and link in stream.pending:
                page = await self._replay_page(key, label, cursor, bounds.head)
                if not page or page[0].seq != cursor + 1:
                    # Pruned while we read: a partial history would be a silent gap.
                    await self._leave(link, key)
                    metrics.RESYNCS.labels("pruned").inc()
                    await link.send(text_message(dumps({"type": "resync", "space": label,
                                                        "reason": "pruned"})))
                    return
                if link.closed or link not in stream.pending:
                    return  # resynced or revoked meanwhile: the rest is not theirs
                written = link.write_at_once([event.message for event in page])
                if written:
                    cursor = page[written - 1].seq
                for event in page[written:]:
                    if link.closed or link not in stream.pending:
                        return
                    await link.send(event.message)
                    cursor = event.seq
            # Going live waits for a dispatch in progress: it gives the loop turns, and a link
            # made live meanwhile could be offered a frame its replay already sent.
            async with stream.catch_up:
                if stream.delivered < cursor:
                    # The replay read past what this hub has delivered (its notification is
                    # still in flight, or was lost): deliver up to there first, or the link
                    # would get those events a second time when the hub catches up.
                    await self._deliver_from_log(stream, upto=cursor)
                buffered = stream.pending.pop(link, None)
                if buffered is None:  # dropped meanwhile (revoked or overflowed)
                    return
                for seq, message in buffered:
                    if seq > cursor:
                        if not link.offer(message):
                            self._resync_slow(link)
                            return
                        cursor = seq
                stream.live.add(link)
            self.roster_version += 1
            if key[0] == "space":
                person = _person(link)
                if self.presence.join(key, person):
                    self._presence_soon(key)
                # The list once; the others learn of the newcomer at the next flush.
                link.offer(text_message(self.presence.full_frame(key, label, person)))
        except BaseException:
            await self._leave(link, key)
            raise

    async def _replay_page(self, key: StreamKey, label: str, after: int,
                           upto: int) -> list[Recent]:
        """Events after < seq <= upto (a page of them), from the recent frames when they hold
        that range up to ``upto``, else from the log. One log read per stream at a time: in
        a reconnect storm the others wait for it and are then served what it read."""
        page = self.recent.get(key, label, after, upto, REPLAY_PAGE)
        if page is not None:
            metrics.REPLAY_PAGES.labels("recent").inc()
            return page
        entry = self._replay_locks.setdefault(key, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:
                page = self.recent.get(key, label, after, upto, REPLAY_PAGE)
                if page is not None:
                    metrics.REPLAY_PAGES.labels("recent").inc()
                    return page
                # Extend what is remembered when it reaches back to ``after``: only the
                # newer events are read.
                last = self.recent.last(key, label, after)
                read_from = last if last is not None and after <= last < upto else after
                epoch = self.recent.epoch
                read = await store.events_between(key, label, read_from, upto, REPLAY_PAGE)
                self.recent.add(key, label, read, epoch)
                page = self.recent.get(key, label, after, upto, REPLAY_PAGE)
                metrics.REPLAY_PAGES.labels("log").inc()
                if page is not None:
                    return page
                if read_from == after:
                    return [from_stored(e) for e in read]
                # The extension did not join up (a rewrite of the log replaced the rest, or
                # more was missing than a page): the log, from the client's position.
                read = await store.events_between(key, label, after, upto, REPLAY_PAGE)
                return [from_stored(e) for e in read]
        finally:
            entry[1] -= 1
            if not entry[1]:
                del self._replay_locks[key]

    async def unsubscribe(self, link: Link, key: StreamKey) -> None:
        await self._leave(link, key)

    # --- streams -----------------------------------------------------------------------------
    async def _stream(self, key: StreamKey, label: str) -> Stream:
        lock = self._stream_locks.setdefault(key, asyncio.Lock())
        async with lock:
            stream = self.streams.get(key)
            if stream is not None:
                return stream
            # Join the group first, then read the head: an event published in between is
            # either below the head (delivered by the replay) or above it (received live).
            joined = await self._join_group(key)
            head = (await store.bounds(key)).head
            stream = Stream(key=key, label=label, delivered=head, joined_group=joined)
            self.streams[key] = stream
            return stream

    async def _join_group(self, key: StreamKey) -> bool:
        if self.layer is None or self.channel_name is None:
            return False
        try:
            await self.layer.group_add(group_for(key), self.channel_name)
            return True
        except Exception:
            logger.warning("channel layer unavailable; %s will be served by polling", key,
                           exc_info=True)
            return False

    def _detach(self, link: Link, key: StreamKey) -> None:
        link.streams.pop(key, None)
        stream = self.streams.get(key)
        if stream is not None:
            was_live = link in stream.live
            stream.live.discard(link)
            stream.pending.pop(link, None)
            if was_live:
                self.roster_version += 1
                if key[0] == "space" and self.presence.leave(key, _person(link)):
                    self._presence_soon(key)

    async def _leave(self, link: Link, key: StreamKey) -> None:
        self._detach(link, key)
        await self._forget_if_empty(key)

    async def _forget_if_empty(self, key: StreamKey) -> None:
        stream = self.streams.get(key)
        if stream is not None and stream.empty:
            del self.streams[key]
            self.presence.forget(key)
            if stream.joined_group and self.layer is not None and self.channel_name:
                with contextlib.suppress(Exception):
                    await self.layer.group_discard(group_for(key), self.channel_name)

    def _forget_later(self, key: StreamKey) -> None:
        # Called from dispatch, which must not await; the group is left on the next turn.
        asyncio.get_running_loop().create_task(self._forget_if_empty(key))

    # --- delivery ----------------------------------------------------------------------------
    async def _dispatch(self, stream: Stream, run: list[Incoming]) -> None:
        """Offer consecutive events (from ``stream.delivered`` + 1) to every live link: one
        batch frame to links that take batches, one frame per event to the others, giving
        the loop a turn every ``YIELD_EVERY`` frames so a large fan-out does not hold up
        requests (the post whose event this is, among them). Callers hold
        ``stream.catch_up``: one dispatch at a time per stream, so no link sees seq n+1
        before n."""
        messages = [text_message(event.frame) for event in run]
        stream.delivered = run[-1].seq
        if stream.pending:
            buffered = [(event.seq, message) for event, message in zip(run, messages,
                                                                        strict=True)]
            for buffer in stream.pending.values():
                buffer.extend(buffered)
        single = len(messages) == 1
        batch = messages[0] if single else text_message(
            batch_frame(stream.label, [event.frame for event in run]))
        # Links that subscribe meanwhile get these frames from their buffer; links that leave
        # meanwhile must not get them after their unsubscribe.
        live = stream.live
        too_slow = []
        offered = 0
        work = 0
        for link in list(live):
            if work >= YIELD_EVERY:
                work = 0
                await asyncio.sleep(0)
            if link not in live:
                continue
            offered += 1
            if single or link.batches:
                work += 1
                if not link.offer(batch):
                    too_slow.append(link)
                continue
            work += len(messages)
            for message in messages:
                if not link.offer(message):
                    too_slow.append(link)
                    break
        metrics.FRAMES_DELIVERED.inc((offered - len(too_slow)) * len(messages))
        if not single:
            metrics.BATCH_FRAMES.inc()
        for link in too_slow:
            self._resync_slow(link)
        revokes = run[-1].revokes
        if revokes is not None:
            for link in [lk for lk in (*stream.live, *stream.pending) if lk.user_id == revokes]:
                self._revoke_stream(link, stream.key)

    def _resync_slow(self, link: Link) -> None:
        """A peer that cannot keep up loses its queue and is told to resume from its last seq
        on every stream: the log has everything it missed, so nothing is skipped."""
        link.discard_pending()
        metrics.RESYNCS.labels("too_slow").inc()
        for key, label in list(link.streams.items()):
            self._detach(link, key)
            link.offer(text_message(dumps({"type": "resync", "space": label,
                                           "reason": "too_slow"})))
            self._forget_later(key)

    def _revoke_stream(self, link: Link, key: StreamKey) -> None:
        label = link.streams.get(key, "")
        self._detach(link, key)
        link.offer(text_message(error_frame(
            "forbidden", _("Vous ne faites plus partie de cet espace."), space=label)))
        self._forget_later(key)

    def _on_published(self, message: dict[str, Any]) -> None:
        key: StreamKey = (message["stream"][0], int(message["stream"][1]))
        stream = self.streams.get(key)
        if stream is None:
            return
        seq = int(message["seq"])
        if seq <= stream.delivered:
            return  # already delivered, from the log or an earlier notification
        at = message.get("at")
        stream.inbox[seq] = Incoming(seq, message["frame"], message.get("revokes"),
                                     None if at is None else float(at))
        if stream.courier is None:
            stream.courier = self._spawn(self._courier(stream))

    async def _courier(self, stream: Stream) -> None:
        """Deliver the stream's inbox, as many consecutive events at a time as are there;
        a gap (a notification lost, or overtaken by a later one) is filled from the log."""
        loop = asyncio.get_running_loop()
        try:
            while stream.inbox:
                wait = stream.paced_until - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                async with stream.catch_up:
                    if self.streams.get(stream.key) is not stream:
                        stream.inbox.clear()
                        return
                    for seq in [s for s in stream.inbox if s <= stream.delivered]:
                        del stream.inbox[seq]
                    events: list[Incoming] = []
                    seq = stream.delivered + 1
                    while seq in stream.inbox:
                        events.append(stream.inbox.pop(seq))
                        seq += 1
                    if events:
                        stream.paced_until = loop.time() + self.batch_window
                        for run in _runs(events):
                            await self._dispatch(stream, run)
                        now = time.time()
                        for event in events:
                            if event.at is not None:
                                metrics.DELIVERY_LAG.observe(max(0.0, now - event.at))
                    elif stream.inbox:
                        before = stream.delivered
                        await self._deliver_from_log(stream, None)
                        if stream.delivered == before and before + 1 not in stream.inbox:
                            # What is missing is not readable yet (its transaction is still
                            # committing): its own notification, or the audit, brings it.
                            return
        except Exception:
            # The log has every event: the audit tick delivers what this pass could not.
            logger.warning("delivery of %s failed; the audit catches up", stream.key,
                           exc_info=True)
            stream.inbox.clear()
        finally:
            stream.courier = None

    async def _catch_up(self, stream: Stream, upto: int | None = None) -> None:
        """Deliver from the log everything after what this hub last delivered."""
        async with stream.catch_up:
            await self._deliver_from_log(stream, upto)

    async def _deliver_from_log(self, stream: Stream, upto: int | None) -> None:
        # The caller holds stream.catch_up.
        while True:
            page = await store.events_between(stream.key, stream.label, stream.delivered,
                                              upto, REPLAY_PAGE)
            events: list[Incoming] = []
            for event in page:
                if event.seq != stream.delivered + len(events) + 1:
                    break
                events.append(Incoming(event.seq, event.frame, event.revokes))
            for run in _runs(events):
                await self._dispatch(stream, run)
            if len(page) < REPLAY_PAGE or self.streams.get(stream.key) is not stream:
                return

    async def _open_channel(self) -> str:
        """The hub's own channel. Until the layer answers, the audit tick serves every stream
        from the log, so a process started during a Redis outage still works."""
        assert self.layer is not None
        while True:
            try:
                return str(await self.layer.new_channel(prefix="hub."))
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("channel layer unavailable; retrying", exc_info=True)
                await asyncio.sleep(0.5)

    async def _receive_loop(self) -> None:
        assert self.layer is not None
        self.channel_name = await self._open_channel()
        while True:
            try:
                message = await self.layer.receive(self.channel_name)
                kind = message.get("type")
                if kind == "hub.event":
                    self._on_published(message)
                elif kind == "hub.ephemeral":
                    self._deliver_ephemeral(message)
                elif kind in PRESENCE_KINDS and message.get("hub") != self.channel_name:
                    self._on_presence(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("hub receive failed; retrying", exc_info=True)
                await asyncio.sleep(0.5)

    # --- ephemeral frames: typing and presence, never in the log ------------------------------
    async def ephemeral(self, link: Link, key: StreamKey, frame: str) -> None:
        """Show a frame to the other people subscribed to a space on every process."""
        message = {"type": "hub.ephemeral", "stream": list(key), "frame": frame,
                   "from_user": link.user_id}
        if not await self._publish(key, message):
            self._deliver_ephemeral(message)

    def _deliver_ephemeral(self, message: dict[str, Any]) -> None:
        stream = self.streams.get((message["stream"][0], int(message["stream"][1])))
        if stream is None:
            return
        outgoing = text_message(message["frame"])
        for link in stream.live:
            if link.user_id != message["from_user"]:
                link.offer(outgoing)  # a full queue just misses a hint, not an event

    async def _publish(self, key: StreamKey, message: dict[str, Any]) -> bool:
        if self.layer is None or self.channel_name is None:
            return False
        try:
            await self.layer.group_send(group_for(key), message)
            return True
        except Exception:
            logger.debug("ephemeral publish failed", exc_info=True)
            return False

    def _presence_soon(self, key: StreamKey) -> None:
        """Flush the space's presence once the changes of the next moment are gathered."""
        if self.presence.mark_due(key):
            asyncio.get_running_loop().call_later(self.presence_debounce, self._flush_presence,
                                                  key)

    def _flush_presence(self, key: StreamKey) -> None:
        """Tell the other hubs if this hub's people changed, and this hub's connections what
        changed in the space's online list."""
        stream = self.streams.get(key)
        if stream is None:
            return
        if self.presence.local_changed(key):
            self._spawn(self._announce(key))
        frame = self.presence.changes_frame(key, stream.label)
        if frame is None:
            return
        outgoing = text_message(frame)
        for link in stream.live:
            link.offer(outgoing)  # a full queue just misses a hint, not an event

    async def _announce(self, key: StreamKey) -> None:
        if self.channel_name is not None and key in self.streams:
            await self._publish(key, self.presence.beacon(key, self.channel_name))

    def _on_presence(self, message: dict[str, Any]) -> None:
        key: StreamKey = (message["stream"][0], int(message["stream"][1]))
        if key not in self.streams:
            return
        people = message["people"]
        if self.presence.set_remote(key, message["hub"], people if isinstance(people, str)
                                    else [tuple(p) for p in people]):
            self._presence_soon(key)

    def _spawn(self, coroutine: Any) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def _heartbeat(self) -> None:
        """Re-announce who is here (so new and restarted hubs learn it) and drop the people
        of hubs that stopped announcing."""
        now = time.monotonic()
        for key in list(self.streams):
            if key[0] == "space":
                await self._announce(key)
                if self.presence.expired(key, now):
                    self._presence_soon(key)

    # --- audit -------------------------------------------------------------------------------
    async def _audit_loop(self) -> None:
        next_heartbeat = 0.0
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.audit_seconds)
            try:
                if loop.time() >= next_heartbeat:
                    next_heartbeat = loop.time() + HEARTBEAT_SECONDS
                    await self._heartbeat()
                await self.audit()
                if self.trimmer.due(self.roster_version, loop.time()):
                    version = self.roster_version
                    took = await loop.run_in_executor(None, self.trimmer.trim)
                    self.trimmer.done(version)
                    logger.debug("memory trimmed in %.1f ms", took * 1000)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("hub audit failed; retrying next tick", exc_info=True)

    def _roster(self) -> store.Roster:
        """The audit's arrays, rebuilt only when links came, went or (un)subscribed."""
        if self._roster_cache is not None and self._roster_cache[0] == self.roster_version:
            return self._roster_cache[1]
        users: set[int] = set()
        sessions: set[str] = set()
        tokens: set[int] = set()
        pairs: set[tuple[int, int]] = set()
        for link in self.links:
            users.add(link.user_id)
            if link.session_key:
                sessions.add(link.session_key)
            if link.api_token_id is not None:
                tokens.add(link.api_token_id)
            for key in link.streams:
                if key[0] == "space":
                    pairs.add((link.user_id, key[1]))
        roster = store.Roster(users=list(users), sessions=list(sessions), tokens=list(tokens),
                              pair_users=[p[0] for p in pairs],
                              pair_spaces=[p[1] for p in pairs])
        self._roster_cache = (self.roster_version, roster)
        return roster

    async def audit(self) -> None:
        """Catch up streams whose head moved without a notification, rejoin groups the layer
        lost, and end the streams of people who no longer have access.

        Most ticks nothing was revoked: one query says so (and which heads moved) with the
        hub's people, sessions, tokens and subscriptions as arrays, and only when it finds a
        revocation does the full snapshot say whose."""
        if not self.links:
            return
        for stream in [s for s in self.streams.values() if not s.joined_group]:
            stream.joined_group = await self._join_group(stream.key)
        delivered: dict[str, dict[int, int]] = {"space": {}, "user": {}}
        for (kind, pk), stream in self.streams.items():
            delivered[kind][pk] = stream.delivered
        quick = await store.quick_audit(self._roster(), delivered["space"], delivered["user"])
        if quick is None or not quick.intact:
            await self._full_audit()
            return
        for key, head in quick.moved.items():
            moved = self.streams.get(key)
            if moved is not None and head > moved.delivered and moved.courier is None:
                # A stream whose courier is at work gets there from its inbox (or the log).
                await self._catch_up(moved)

    async def _full_audit(self) -> None:
        # Judge only what the snapshot covers: links and streams that appear while it is read
        # were checked on connect and are judged on the next tick.
        links = list(self.links)
        keys = list(self.streams)
        snapshot = await store.audit_snapshot(
            keys, {link.user_id for link in links},
            {link.session_key for link in links if link.session_key},
            {link.api_token_id for link in links if link.api_token_id is not None},
        )
        for key in keys:
            stream = self.streams.get(key)
            if stream is None:
                continue
            if not stream.joined_group:
                stream.joined_group = await self._join_group(key)
            if snapshot.heads.get(key, 0) > stream.delivered:
                await self._catch_up(stream)
        audited = set(keys)
        for link in links:
            if link not in self.links:
                continue
            signed_out = (
                link.session_key is not None and link.session_key not in snapshot.live_sessions
            ) or (
                link.api_token_id is not None and link.api_token_id not in snapshot.live_tokens
            )
            if link.user_id not in snapshot.active_users or signed_out:
                await self._end_link(link)
                continue
            for key in [k for k in link.streams if k[0] == "space" and k in audited]:
                if (link.user_id, key[1]) not in snapshot.memberships and (
                    link.user_id not in snapshot.staff
                ):
                    self._revoke_stream(link, key)

    async def _end_link(self, link: Link) -> None:
        link.offer(text_message(error_frame(
            "unauthenticated", _("Votre session a pris fin : reconnectez-vous."))))
        self.links.discard(link)
        self.roster_version += 1
        for key in list(link.streams):
            await self._leave(link, key)
        await link.drained(within=0.5)  # let the explanation out before closing
        await link.close(4001)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


async def get_hub() -> Hub:
    """The hub of this process (of this event loop, which is the same thing in a server)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = Hub(get_channel_layer(), audit_seconds=settings.REALTIME_AUDIT_SECONDS)
        _hubs[loop] = hub
        metrics.watch(hub)
    await hub.start()
    return hub


async def stop_hub() -> None:
    loop = asyncio.get_running_loop()
    hub = _hubs.pop(loop, None)
    if hub is not None:
        await hub.stop()
