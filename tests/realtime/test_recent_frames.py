"""The frames a hub keeps for replays (realtime.recent): served only as an unbroken run up to
the head asked for, replaced by any read that saw the log rewritten, and bounded."""

from __future__ import annotations

from realtime.frames import event_frame
from realtime.recent import RecentFrames
from realtime.store import StoredEvent

KEY = ("space", 7)


def events(first: int, last: int, *, kind: str = "message.created",
           words: str = "bonjour") -> list[StoredEvent]:
    return [StoredEvent(seq=seq, kind=kind, revokes=None,
                        frame=event_frame(stream="rma", seq=seq, kind=kind,
                                          data={"body": f"{words} {seq}"}))
            for seq in range(first, last + 1)]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def frames(max_events: int = 100, max_bytes: int = 1_000_000,
           keep_seconds: float = 60.0) -> tuple[RecentFrames, Clock]:
    clock = Clock()
    return RecentFrames(max_events=max_events, max_bytes=max_bytes, keep_seconds=keep_seconds,
                        clock=clock), clock


def seqs(page) -> list[int] | None:
    return None if page is None else [e.seq for e in page]


def test_a_replay_is_served_only_from_an_unbroken_run_up_to_its_head():
    recent, _ = frames()
    recent.add(KEY, "rma", events(11, 20), recent.epoch)
    assert seqs(recent.get(KEY, "rma", 10, 20, 500)) == list(range(11, 21))
    assert seqs(recent.get(KEY, "rma", 15, 18, 500)) == [16, 17, 18]
    assert seqs(recent.get(KEY, "rma", 12, 20, 3)) == [13, 14, 15]  # a page
    assert recent.get(KEY, "rma", 9, 20, 500) is None  # seq 10 is not here
    assert recent.get(KEY, "rma", 10, 21, 500) is None  # nor is the head
    assert recent.get(KEY, "autre", 10, 20, 500) is None  # frames name their stream
    assert recent.get(("space", 8), "rma", 10, 20, 500) is None
    assert recent.get(KEY, "rma", 20, 20, 500) is None  # nothing to replay


def test_a_read_with_a_gap_is_not_kept():
    recent, _ = frames()
    recent.add(KEY, "rma", [*events(1, 3), *events(5, 6)], recent.epoch)
    assert not recent.runs


def test_a_read_continuing_the_run_extends_it_and_the_fresher_read_wins_the_overlap():
    recent, _ = frames()
    recent.add(KEY, "rma", events(1, 5, words="avant"), recent.epoch)
    recent.add(KEY, "rma", events(4, 8, words="après"), recent.epoch)
    page = recent.get(KEY, "rma", 0, 8, 500)
    assert seqs(page) == list(range(1, 9))
    assert page is not None
    assert ["après" in e.frame for e in page] == [False] * 3 + [True] * 5
    # An older read that joins up fills in the start.
    recent.forget(KEY)
    recent.add(KEY, "rma", events(5, 8), recent.epoch)
    recent.add(KEY, "rma", events(2, 4), recent.epoch)
    assert seqs(recent.get(KEY, "rma", 1, 8, 500)) == list(range(2, 9))
    # A newer run apart from the one kept replaces it: never a run with a hole.
    recent.add(KEY, "rma", events(12, 13), recent.epoch)
    assert recent.get(KEY, "rma", 4, 13, 500) is None
    assert seqs(recent.get(KEY, "rma", 11, 13, 500)) == [12, 13]


def test_a_read_that_saw_a_message_deleted_replaces_every_earlier_frame():
    """Deleting a message rewrites the earlier events quoting it and appends message.deleted
    in one transaction: frames read before that must never be served past it."""
    recent, _ = frames()
    recent.add(KEY, "rma", events(1, 10, words="Mon adresse"), recent.epoch)
    started = recent.epoch  # a read of the log still under way, from before the deletion
    recent.add(KEY, "rma", events(11, 11, kind="message.deleted", words=""), recent.epoch)
    # Only what the fresher read returned is kept; the start comes from the log again.
    assert recent.get(KEY, "rma", 0, 11, 500) is None
    assert seqs(recent.get(KEY, "rma", 10, 11, 500)) == [11]
    recent.add(KEY, "rma", events(1, 10, words="Mon adresse"), started)
    assert recent.get(KEY, "rma", 0, 11, 500) is None  # the older read is not taken in
    recent.add(KEY, "rma", events(1, 10, words="message supprimé"), recent.epoch)
    page = recent.get(KEY, "rma", 0, 11, 500)
    assert seqs(page) == list(range(1, 12))
    assert page is not None and not any("Mon adresse" in e.frame for e in page)


def test_revocations_are_kept_with_their_frames():
    recent, _ = frames()
    removed = StoredEvent(seq=3, kind="member.removed", revokes=42,
                          frame=event_frame(stream="rma", seq=3, kind="member.removed",
                                            data={"member": {"id": 42}}))
    recent.add(KEY, "rma", [*events(1, 2), removed], recent.epoch)
    page = recent.get(KEY, "rma", 0, 3, 500)
    assert page is not None
    assert [(e.seq, e.revokes) for e in page] == [(1, None), (2, None), (3, 42)]
    assert page[-1].message == {"type": "websocket.send", "text": removed.frame}


def test_each_stream_keeps_its_latest_events_only():
    recent, _ = frames(max_events=5)
    recent.add(KEY, "rma", events(1, 12), recent.epoch)
    assert recent.get(KEY, "rma", 6, 12, 500) is None
    assert seqs(recent.get(KEY, "rma", 7, 12, 500)) == [8, 9, 10, 11, 12]
    assert recent.size == sum(len(e.frame) for e in recent.runs[KEY].events)


def test_past_the_memory_bound_the_least_recently_replayed_stream_goes():
    one = sum(len(e.frame) for e in events(1, 10))
    recent, clock = frames(max_bytes=2 * one + one // 2)
    for pk in (1, 2):
        recent.add(("space", pk), "rma", events(1, 10), recent.epoch)
        clock.now += 1
    assert recent.get(("space", 1), "rma", 0, 10, 500) is not None  # used: now the newest
    recent.add(("space", 3), "rma", events(1, 10), recent.epoch)
    assert set(recent.runs) == {("space", 1), ("space", 3)}
    assert recent.size <= recent.max_bytes


def test_frames_nobody_replayed_for_a_while_are_forgotten():
    recent, clock = frames(keep_seconds=60)
    recent.add(KEY, "rma", events(1, 5), recent.epoch)
    clock.now += 59
    assert recent.get(KEY, "rma", 0, 5, 500) is not None  # kept, and its time restarts
    clock.now += 61
    assert recent.get(KEY, "rma", 0, 5, 500) is None
    assert not recent.runs and recent.size == 0
    recent.add(KEY, "rma", events(1, 5), recent.epoch)
    clock.now += 61
    recent.add(("space", 8), "rma", events(1, 5), recent.epoch)  # filling sweeps the old
    assert set(recent.runs) == {("space", 8)}
