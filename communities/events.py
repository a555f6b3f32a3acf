"""The only place events are emitted.

``emit`` appends an Event to a stream inside the caller's transaction, numbering it with the
next gapless seq of that stream, and arranges for it to be published on the channel layer
after commit (never before: a rolled-back change must never reach a client). Grep for
``emit(`` to see every kind of event the product produces; ``EVENT_SCHEMAS`` lists them with
the keys their payload must carry.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from communities.models import Event, Space, User
from communities.statements import Insert, insert_select

logger = logging.getLogger(__name__)

#: kind -> keys its payload must carry. A kind missing here cannot be emitted.
EVENT_SCHEMAS: dict[str, frozenset[str]] = {
    # space stream
    "space.created": frozenset({"space"}),
    "member.joined": frozenset({"member", "role", "via"}),
    "member.left": frozenset({"member"}),
    "member.removed": frozenset({"member", "by"}),
    "member.role_changed": frozenset({"member", "role", "previous_role", "by"}),
    "invitation.sent": frozenset({"invitation"}),
    "thread.created": frozenset({"thread", "message"}),
    "message.created": frozenset({"message", "thread"}),
    "thread.updated": frozenset({"thread", "by"}),
    "thread.pinned": frozenset({"thread", "by"}),
    "thread.locked": frozenset({"thread", "by"}),
    # Posted as an announcement by a facilitator: flagged and pinned (see
    # communities.services.announcements); it follows the thread's own thread.created.
    "thread.announced": frozenset({"thread", "by"}),
    "message.edited": frozenset({"message"}),
    "message.deleted": frozenset({"message", "by"}),
    "reaction.added": frozenset({"message", "emoji", "user"}),
    "reaction.removed": frozenset({"message", "emoji", "user"}),
    "folder.created": frozenset({"folder", "by"}),
    "folder.renamed": frozenset({"folder", "previous_name", "by"}),
    "folder.moved": frozenset({"folder", "from_parent", "by"}),
    "folder.deleted": frozenset({"folder", "by"}),
    "document.created": frozenset({"document"}),
    "document.version_added": frozenset({"document", "version"}),
    "document.renamed": frozenset({"document", "previous_title", "by"}),
    "document.described": frozenset({"document", "by"}),
    "document.moved": frozenset({"document", "from_folder", "by"}),
    "document.deleted": frozenset({"document", "by"}),
    "document.restored": frozenset({"document", "by"}),
    # Gone for good from the trash (emptied by a space admin, or purged after DOCS_TRASH_DAYS
    # by manage.py purge_document_trash, when ``by`` is None).
    "document.purged": frozenset({"document", "by"}),
    # An old version made current again: its own kind (not document.version_added) because
    # no version is added; ``document`` carries the restored version as its current one.
    "document.version_restored": frozenset({"document", "version", "previous_version", "by"}),
    # Who may upload (docs_store.space_rules): facilitators only, or every member.
    "document_settings.changed": frozenset({"uploads_by", "by"}),
    # The space's posting address was replaced (replies.posting); the address is not in it.
    "posting_address.rotated": frozenset({"by"}),
    # Meetings (meetings/): the whole meeting rides along so a client never needs a refetch.
    "meeting.scheduled": frozenset({"meeting"}),
    "meeting.updated": frozenset({"meeting", "changes", "by"}),
    "meeting.cancelled": frozenset({"meeting", "by"}),
    # One member's answer and the meeting's counts after it; ``promoted`` when the member got
    # a seat from the waiting list (someone else said no, or the capacity went up).
    "rsvp.changed": frozenset({"meeting", "member", "answer", "waiting", "promoted", "counts"}),
    "attendance.recorded": frozenset({"meeting", "attendance", "by"}),
    # Date polls (meetings/services/polls.py). poll.voted carries the voter's answers and the
    # counts of every slot after them, so results update live without a refetch; poll.closed
    # names the slot retained and the meeting scheduled from it.
    "poll.opened": frozenset({"poll", "by"}),
    "poll.voted": frozenset({"poll", "voter", "answers", "first_answer", "tally",
                             "respondents"}),
    "poll.closed": frozenset({"poll", "slot", "meeting", "by"}),
    # Committees (communities/services/committees.py). A committee's own stream carries what
    # only its members may read; its parent's stream only what every member of the space may
    # see: nothing while the committee's existence is hidden, its name once it is shown.
    "committee.created": frozenset({"committee", "by"}),
    "committee.member_added": frozenset({"member", "role", "by"}),
    "committee.member_removed": frozenset({"member", "reason", "by"}),
    "committee.archived": frozenset({"committee", "by"}),
    "committee.unarchived": frozenset({"committee", "by"}),
    "committee.visibility_changed": frozenset({"committee", "by"}),
    # on the parent's stream
    "committee.shown": frozenset({"committee"}),
    "committee.hidden": frozenset({"committee"}),
    # A reply marked (``message`` its id) or unmarked (``message`` None) as a question's answer.
    "question.answered": frozenset({"thread", "message", "by"}),
    # Decisions and action items (decisions/): the whole record rides along. An action
    # carries ``assignee_ids`` so per-person views (digest, inbox) pick theirs without a query.
    "decision.recorded": frozenset({"decision"}),
    "decision.edited": frozenset({"decision", "by"}),
    "decision.deleted": frozenset({"decision", "by"}),
    "action.created": frozenset({"action", "assignee_ids"}),
    "action.updated": frozenset({"action", "assignee_ids", "changes", "by"}),
    "action.status_changed": frozenset({"action", "assignee_ids", "status", "previous_status",
                                        "by"}),
    "action.deleted": frozenset({"action", "assignee_ids", "by"}),
    # Past its due date and not done: told to the facilitators once (decisions.services.overdue).
    "action.overdue": frozenset({"action", "assignee_ids"}),
    # personal stream
    "account.deactivated": frozenset({"by"}),
    # Every session but the one it was done from ended, every API token revoked (their ids):
    # after a password change or "sign out everywhere" (``reason``).
    "account.sessions_ended": frozenset({"reason", "tokens_revoked"}),
    # One's own API tokens (the serializers' api_token_data; never the secret).
    "api_token.created": frozenset({"token"}),
    "api_token.revoked": frozenset({"token"}),
    "membership.ended": frozenset({"space", "reason"}),
    "mention.created": frozenset({"space", "thread", "message", "by", "everyone"}),
    "read.updated": frozenset({"space", "thread", "last_read_message", "unread"}),
    # One's own profile changed (communities.services.profiles): the names of the fields only,
    # never their values, so the log holds no personal data a later edit would have to chase.
    "profile.updated": frozenset({"user", "fields"}),
    # One's own message to a member through the platform (communities.services.contact): who
    # it went to, never its text; the rate limit counts these.
    "contact.sent": frozenset({"to"}),
    # The person's notification inbox (inbox/): an item added (the whole item rides along)
    # or items marked read (``items``: their ids, ``all``: everything); ``unread`` is the
    # count after the change, so the bell needs no refetch.
    "inbox.item_added": frozenset({"item", "unread"}),
    "inbox.read": frozenset({"items", "all", "unread"}),
}

PERSONAL_STREAM_KINDS = frozenset(
    {"account.deactivated", "account.sessions_ended", "api_token.created", "api_token.revoked",
     "membership.ended", "mention.created", "read.updated",
     "profile.updated", "contact.sent", "inbox.item_added", "inbox.read"}
)
SPACE_STREAM_KINDS = frozenset(EVENT_SCHEMAS) - PERSONAL_STREAM_KINDS


# Most writes add one, the stream's lock held.
_EVENT: Insert[Event] = Insert(Event)


def _next_seq(table: str, column: str, pk: int) -> int:
    # One UPDATE ... RETURNING: the row lock it takes is held until commit, so concurrent
    # writers to the same stream queue up and commit in seq order, and a rollback gives the
    # number back. That is what makes the sequence gapless.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = {column} + 1 WHERE id = %s RETURNING {column}",  # noqa: S608
            [pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise LookupError(f"{table} #{pk} does not exist")
    return int(row[0])


def take_space_seq(space: Space) -> int:
    """Take the next seq of a space's stream now, for a writer that stores it on its own row
    (a message's ``created_seq``) in the INSERT instead of an UPDATE after; the event that
    uses it must then be emitted with ``seq=`` in the same transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("a seq must be taken inside the transaction that emits its event")
    space.event_head = _next_seq(Space._meta.db_table, "event_head", space.pk)
    return space.event_head


def take_space_seq_after(space: Space, *, sql: str,
                         params: Sequence[Any]) -> tuple[Any, int] | None:
    """Run ``sql``, an ``UPDATE ... RETURNING`` of one row and one column that takes that
    row's lock, then, only when it changed its row, take the space's next seq like
    ``take_space_seq``: ``(its value, seq)``, or None and no seq taken. On PostgreSQL both
    run in one statement, the row's lock taken before the space's (the space's UPDATE reads
    the first one's result): a writer holding the space's lock waits for one round trip
    less, and every writer behind it with it. Elsewhere, two statements in the same order."""
    if not connection.in_atomic_block:
        raise RuntimeError("a seq must be taken inside the transaction that emits its event")
    table = Space._meta.db_table
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        return row[0], take_space_seq(space)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH row_first AS ({sql}), seq AS (UPDATE {table} "  # noqa: S608
            "SET event_head = event_head + 1 WHERE id = %s "
            "AND EXISTS (SELECT 1 FROM row_first) RETURNING event_head) "
            "SELECT row_first.*, (SELECT event_head FROM seq) FROM row_first",
            [*params, space.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    if row[1] is None:
        raise LookupError(f"{table} #{space.pk} does not exist")
    space.event_head = int(row[1])
    return row[0], space.event_head


def emit_in_one_statement(*, kind: str, actor: User | None, space: Space,
                          data: dict[str, Any], lead_sql: str, lead_params: Sequence[Any],
                          row: Model, seq_field: str,
                          fills: Mapping[tuple[str, ...], str]) -> tuple[Any, Event] | None:
    """PostgreSQL only: in one statement, run ``lead_sql`` (an ``UPDATE ... RETURNING`` of one
    row and one column, taking that row's lock) and, only when it changed its row, take the
    space's next seq, insert ``row`` (unsaved) with that seq in ``seq_field``, and append the
    ``kind`` event of ``data``, into which the statement writes, at each path of ``fills``,
    the lead's value (``"lead"``) or the new row's id (``"row"``). ``(lead's value, event)``,
    or None when the lead changed nothing (then nothing is written).

    Called outside a transaction, the statement is its own: the stream's locks are held
    while the server runs it and released by its implicit commit, never while this process
    waits for a round trip or for its GIL, which is what other writers of the stream queue
    behind. Inside one, it is part of it and publishes after its commit, like ``emit``."""
    if connection.vendor != "postgresql":
        raise RuntimeError("emit_in_one_statement needs PostgreSQL's data-modifying WITH")
    _check_payload(kind, data)
    if kind not in SPACE_STREAM_KINDS:
        raise ValueError(f"event {kind} does not belong on a space's stream")
    now = timezone.now()
    event = Event(space=space, seq=0, kind=kind, actor=actor, payload=data, created_at=now)
    row_columns, row_values, row_params = insert_select(row, {seq_field: ("seq.head", ())})
    paths = list(fills.items())
    payload = "%s::jsonb"
    for _path, source in paths:
        payload = (f"jsonb_set({payload}, %s::text[], "
                   f"to_jsonb({'lead.value' if source == 'lead' else 'row_in.id'}))")
    payload_params = [Event._meta.get_field("payload").get_db_prep_save(data, connection),
                      *(list(path) for path, _source in paths)]
    event_columns, event_values, event_params = insert_select(
        event, {"seq": ("seq.head", ()), "payload": (payload, payload_params)})
    sql = (f"WITH lead(value) AS ({lead_sql}), "  # noqa: S608
           f"seq(head) AS (UPDATE {Space._meta.db_table} SET event_head = event_head + 1 "
           "WHERE id = %s AND EXISTS (SELECT 1 FROM lead) RETURNING event_head), "
           f"row_in(id) AS (INSERT INTO {row._meta.db_table} ({', '.join(row_columns)}) "
           f"SELECT {', '.join(row_values)} FROM seq RETURNING {row._meta.pk.column}), "
           f"event_in(id) AS (INSERT INTO {Event._meta.db_table} ({', '.join(event_columns)}) "
           f"SELECT {', '.join(event_values)} FROM seq, lead, row_in RETURNING id) "
           "SELECT lead.value, seq.head, row_in.id, event_in.id FROM lead "
           "LEFT JOIN seq ON true LEFT JOIN row_in ON true LEFT JOIN event_in ON true")
    with connection.cursor() as cursor:
        cursor.execute(sql, [*lead_params, space.pk, *row_params, *event_params])
        found = cursor.fetchone()
    if found is None:
        return None
    value, seq, row_pk, event_pk = found
    if seq is None:
        raise LookupError(f"space #{space.pk} does not exist")
    space.event_head = int(seq)
    setattr(row, seq_field, int(seq))
    row.pk = row_pk
    row._state.adding, row._state.db = False, connection.alias
    for path, source in paths:
        *parents, last = path
        place = data
        for key in parents:
            place = place[key]
        place[last] = value if source == "lead" else row_pk
    event.pk, event.seq = event_pk, int(seq)
    event._state.adding, event._state.db = False, connection.alias
    transaction.on_commit(lambda: _publish(event, space.slug))
    _hand_to_listeners(event)
    return value, event


def emit(
    *,
    kind: str,
    actor: User | None,
    data: dict[str, Any],
    space: Space | None = None,
    owner: User | None = None,
    seq: int | None = None,
) -> Event:
    """Append an event to a space's stream or to one person's stream and publish it after
    commit. Must run inside the transaction that makes the change it describes. ``seq`` is
    one taken earlier with ``take_space_seq`` for this space, never used yet."""
    if (space is None) == (owner is None):
        raise ValueError("an event belongs to exactly one stream: a space or an owner")
    required = EVENT_SCHEMAS.get(kind)
    if required is None:
        raise ValueError(f"unknown event kind {kind!r}")
    _check_payload(kind, data)
    if (space is not None) != (kind in SPACE_STREAM_KINDS):
        raise ValueError(f"event {kind} does not belong on this stream")
    if not connection.in_atomic_block:
        raise RuntimeError("emit() must run inside the transaction that makes the change")

    if seq is not None:
        # Only the space's latest taken number: an older or foreign one would leave a gap or
        # a duplicate in the stream.
        if space is None or seq != space.event_head:
            raise ValueError(f"seq {seq} was not just taken for this space's stream")
    elif space is not None:
        seq = _next_seq(Space._meta.db_table, "event_head", space.pk)
        space.event_head = seq
    else:
        assert owner is not None
        seq = _next_seq(User._meta.db_table, "stream_head", owner.pk)
        owner.stream_head = seq
    event = _EVENT.create(
        space=space, owner=owner, seq=seq, kind=kind, actor=actor, payload=data,
        created_at=timezone.now(),
    )
    stream_label = space.slug if space is not None else "@me"
    transaction.on_commit(lambda: _publish(event, stream_label))
    _hand_to_listeners(event)
    return event


def _check_payload(kind: str, data: Mapping[str, Any]) -> None:
    missing = EVENT_SCHEMAS[kind] - data.keys()
    if missing:
        raise ValueError(f"event {kind} is missing {sorted(missing)}")


def emit_to_each(*, kind: str, actor: User | None,
                 data_for: Mapping[int, dict[str, Any]]) -> list[Event]:
    """One event of a personal kind on the stream of each person (user id -> payload), in
    two queries whatever their number: one UPDATE ... RETURNING takes every stream's next
    seq, one INSERT writes the events. Same rules as ``emit``."""
    if kind not in PERSONAL_STREAM_KINDS:
        raise ValueError(f"event {kind} does not belong on a personal stream")
    for data in data_for.values():
        _check_payload(kind, data)
    if not connection.in_atomic_block:
        raise RuntimeError("emit_to_each() must run inside the transaction that makes the change")
    if not data_for:
        return []
    owners = sorted(data_for)
    table = User._meta.db_table
    marks = ", ".join(["%s"] * len(owners))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET stream_head = stream_head + 1 WHERE id IN ({marks}) "  # noqa: S608
            "RETURNING id, stream_head", owners)
        heads = {int(pk): int(head) for pk, head in cursor.fetchall()}
    now = timezone.now()
    events = Event.objects.bulk_create([
        Event(owner_id=pk, seq=heads[pk], kind=kind, actor=actor, payload=data_for[pk],
              created_at=now)
        for pk in owners if pk in heads
    ])
    for event in events:
        transaction.on_commit(lambda event=event: _publish(event, "@me"))  # type: ignore[misc]
        _hand_to_listeners(event)
    return events


class Publisher(Protocol):
    def __call__(self, event: Event, *, stream_label: str) -> None: ...


# The transport sits above this app, so it hands its publisher down at start-up
# (``realtime``'s AppConfig.ready) instead of this module reaching up for it.
_publisher: Publisher | None = None


def install_publisher(publisher: Publisher | None) -> Publisher | None:
    """Make ``publisher`` the one that receives every committed event; returns the previous
    one so a caller may put it back."""
    global _publisher
    previous, _publisher = _publisher, publisher
    return previous


def _publish(event: Event, stream_label: str) -> None:
    if _publisher is None:
        # The event is committed and hubs would still find it by auditing the log, but live
        # delivery is lost for this process: say so loudly instead of dropping it unseen.
        logger.error("no publisher installed (is 'realtime' in INSTALLED_APPS?): event %s #%s "
                     "not published", event.kind, event.seq)
        return
    _publisher(event, stream_label=stream_label)


# --- listeners ----------------------------------------------------------------------------
# Apps above this one that react to committed events within the same process (the inbox)
# add a listener at start-up. A listener receives the events of one transaction together,
# after commit, so a post that names 200 people is one batch, not 200 calls. The batch's
# first event is certainly committed (its own commit callback is the one running); a later
# one may have been written in a savepoint rolled back after it (see _hand_to_listeners).
Listener = Callable[[Sequence[Event]], None]
_listeners: list[Listener] = []
_pending: dict[str, list[tuple[int, Event]]] = {}
_tickets = itertools.count()


def add_listener(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def remove_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def _hand_to_listeners(event: Event) -> None:
    if not _listeners:
        return
    ticket = next(_tickets)
    _pending.setdefault(_connection_key(), []).append((ticket, event))
    # One callback per event; callbacks run in the order they were registered, so the first
    # one to run takes its event and every later one (the whole batch). An event whose ticket
    # is below the running callback's had a callback that was never going to run: it was
    # dropped with a rolled-back savepoint or transaction, so the event is not committed.
    transaction.on_commit(functools.partial(_flush_listeners, ticket), robust=True)


def _connection_key() -> str:
    return f"{connection.alias}:{id(connection)}"


def _flush_listeners(ticket: int) -> None:
    waiting = _pending.pop(_connection_key(), [])
    events = [event for number, event in waiting if number >= ticket]
    if not events:
        return
    for listener in list(_listeners):
        try:
            listener(events)
        except Exception:
            # The change is committed; a listener's failure must not turn it into an error
            # page after the fact. It is logged loudly instead.
            logger.exception("event listener %r failed on %d events", listener, len(events))
