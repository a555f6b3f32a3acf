"""What the hub and the consumer read from the database, as plain values.

The hub runs in the event loop; these run in a few worker threads of their own and return
tuples so nothing lazy crosses back into async code. Not on channels' one database thread:
there a storm of a thousand connections queues every read behind every other (and behind
the process's sync views), and on a busy machine each wait is a scheduling delay."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.models import Session
from django.db import close_old_connections, connection
from django.db.models import BooleanField, Expression, F
from django.utils import timezone

from communities.models import ApiToken, Event, Membership, Space, User
from realtime.frames import PERSONAL_STREAM, event_frame
from realtime.gather import Gathered

StreamKey = tuple[str, int]  # ("space", space_id) or ("user", user_id)

#: Each thread takes a connection from the pool only for the duration of a call. Eight, not
#: four: in a connect storm the threads mostly wait on PostgreSQL (a ticket claim waits for
#: its commit to reach the disk), and with four a thousand connections queued for them
#: (docs/realtime-load.md: about 30 % off the storm's wall time, the same CPU).
_THREADS = ThreadPoolExecutor(max_workers=8, thread_name_prefix="realtime-db")


def _in_thread(func: Callable[..., Any], args: tuple[Any, ...],
               kwargs: dict[str, Any]) -> Any:
    close_old_connections()
    try:
        return func(*args, **kwargs)
    finally:
        # Back to the pool (or closed), in the thread that used it.
        close_old_connections()


def database_sync_to_async(func: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    """Run ``func`` on this module's threads, so reads for different connections run side
    by side. A plain executor call: no context is copied in or out, so each thread keeps its
    own Django connection and returns it itself."""

    @functools.wraps(func)
    async def call(*args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(_THREADS, _in_thread, func, args, kwargs)

    call.func = func  # type: ignore[attr-defined]  # the plain function, as channels' has it
    return call


@dataclass(frozen=True)
class StoredEvent:
    seq: int
    kind: str
    frame: str
    #: Person whose access to the stream this event ends, if any.
    revokes: int | None


@dataclass(frozen=True)
class Bounds:
    head: int
    floor: int


def revoked_user(kind: str, data: dict) -> int | None:
    if kind in {"member.removed", "member.left", "committee.member_removed"}:
        return int(data["member"]["id"])
    return None


@dataclass(frozen=True)
class SpaceAccess:
    key: StreamKey
    bounds: Bounds


def spaces_access(questions: list[tuple[int, str]]) -> list[SpaceAccess | None]:
    """For each (person, slug): the space's stream and its bounds if the person may read it,
    else None — for a private space they are not in exactly as for a slug that does not
    exist, so slugs cannot be probed. One statement for any number of questions, so the two
    answers also take the same path, and written out: it runs for every subscribe, and
    building it with the ORM cost a storm of a thousand subscribes more CPU than everything
    else they read."""
    space, membership, user = _table(Space), _table(Membership), _table(User)
    pairs = sorted(set(questions))
    if connection.vendor == "postgresql":
        asked = "unnest(%s::bigint[], %s::text[]) AS r(user_id, slug)"
        params: list[Any] = [[p[0] for p in pairs], [p[1] for p in pairs]]
    else:
        asked = ("(SELECT json_extract(value, '$[0]') AS user_id, "
                 "json_extract(value, '$[1]') AS slug FROM json_each(%s)) AS r")
        params = [json.dumps(pairs)]
    sql = f"""
        SELECT r.user_id, r.slug, s.id, s.event_head, s.event_floor
        FROM {asked} JOIN {space} s ON s.slug = r.slug
        WHERE EXISTS (SELECT 1 FROM {membership} m
                      WHERE m.space_id = s.id AND m.user_id = r.user_id)
           OR EXISTS (SELECT 1 FROM {user} u WHERE u.id = r.user_id AND u.is_active
                      AND u.is_staff)
    """  # noqa: S608 - table names come from the models, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        allowed = {
            (int(user_id), slug): SpaceAccess(key=("space", int(pk)),
                                              bounds=Bounds(head=int(head), floor=int(floor)))
            for user_id, slug, pk, head, floor in cursor.fetchall()
        }
    return [allowed.get(question) for question in questions]


def _space_access(user_id: int, slug: str) -> SpaceAccess | None:
    return spaces_access([(user_id, slug)])[0]


#: ``await space_access((user_id, slug))``: subscribes arriving together are checked in one
#: query (realtime.gather), each still against what the database holds once it was asked.
space_access = Gathered(database_sync_to_async(spaces_access))
space_access.func = _space_access  # type: ignore[attr-defined]  # one question, in this thread


@database_sync_to_async
def bounds(key: StreamKey) -> Bounds:
    # Written out for the same reason as space_access: once per personal subscribe.
    if key[0] == "space":
        sql = f"SELECT event_head, event_floor FROM {_table(Space)} WHERE id = %s"  # noqa: S608
    else:
        sql = f"SELECT stream_head, 0 FROM {_table(User)} WHERE id = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [key[1]])
        row = cursor.fetchone()
    if row is None:
        raise LookupError(f"no stream {key}")
    return Bounds(head=int(row[0]), floor=int(row[1]))


@database_sync_to_async
def events_between(key: StreamKey, label: str, after: int, upto: int | None,
                   limit: int) -> list[StoredEvent]:
    """Events with after < seq <= upto, oldest first, already encoded as frames."""
    query = Event.objects.filter(seq__gt=after)
    query = query.filter(space_id=key[1]) if key[0] == "space" else query.filter(owner_id=key[1])
    if upto is not None:
        query = query.filter(seq__lte=upto)
    rows = query.order_by("seq").values_list("seq", "kind", "payload")[:limit]
    stream = label if key[0] == "space" else PERSONAL_STREAM
    return [
        StoredEvent(seq=seq, kind=kind, frame=event_frame(stream=stream, seq=seq, kind=kind,
                                                          data=payload),
                    revokes=revoked_user(kind, payload))
        for seq, kind, payload in rows
    ]


class AnyOf(Expression):
    """``column = ANY(%s)`` with the values as one array parameter (PostgreSQL), else
    ``column IN (SELECT value FROM json_each(%s))``: the SQL is the same text for 3 ids or
    5,000, instead of one placeholder per id to send, parse and plan on every audit tick."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, values: Iterable[Any]) -> None:
        super().__init__()
        self.column: Any = F(column)
        self.values = list(values)

    def resolve_expression(self, query: Any = None, allow_joins: bool = True, reuse: Any = None,
                           summarize: bool = False, for_save: bool = False) -> AnyOf:
        resolved = self.copy()
        resolved.column = self.column.resolve_expression(query, allow_joins, reuse, summarize,
                                                         for_save)
        return resolved

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        column, params = compiler.compile(self.column)
        if connection.vendor == "postgresql":
            return f"{column} = ANY(%s)", (*params, self.values)
        # The column is compiled by Django and the values are one parameter.
        return (f"{column} IN (SELECT value FROM json_each(%s))",  # noqa: S608
                (*params, json.dumps(self.values)))


def _ints(values: Iterable[int]) -> str:
    """A PostgreSQL array literal. psycopg adapts a list value by value in Python: for the
    audit's arrays of 5,000 connections that was 10 ms of CPU every tick, the literal 1."""
    return "{" + ",".join(map(str, values)) + "}"


def _texts(values: Iterable[str]) -> str:
    quoted = (v.replace("\\", "\\\\").replace('"', '\\"') for v in values)
    return "{" + ",".join(f'"{v}"' for v in quoted) + "}"


@dataclass(frozen=True)
class Roster:
    """What the audit asks about, as arrays: every distinct person, session and API token of
    the hub's connections, and every (person, space) of their space subscriptions."""

    users: list[int]
    sessions: list[str]
    tokens: list[int]
    pair_users: list[int]
    pair_spaces: list[int]

    @functools.cached_property
    def literals(self) -> tuple[str, str, str, str, str]:
        """The arrays as literals, written once for all the ticks until the roster changes."""
        return (_ints(self.users), _texts(self.sessions), _ints(self.tokens),
                _ints(self.pair_users), _ints(self.pair_spaces))


@dataclass(frozen=True)
class QuickAudit:
    #: Every connection of the roster still has access (nothing was revoked since they were
    #: last judged); else the full snapshot must say whose.
    intact: bool
    moved: dict[StreamKey, int]


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


@database_sync_to_async
def quick_audit(roster: Roster, space_heads: dict[int, int],
                user_heads: dict[int, int]) -> QuickAudit | None:
    """One query per tick while nothing is revoked, whatever the number of connections: the
    heads that moved past what the hub delivered, and whether every person of the roster is
    still active, every session and token still live, and every (person, space) still a
    membership (or the person active staff). Counting the valid ones and comparing with the
    roster's sizes is exact: the sets are distinct, so one revocation makes a count fall
    short. None where the database has no arrays (SQLite, a laptop): judge in full.

    All of it is one statement, so it reads one snapshot: a removal it sees has moved the
    head it reports too, and the hub delivers ``member.removed`` before ending the stream."""
    if connection.vendor != "postgresql":
        return None
    user, session, token = _table(User), _table(Session), _table(ApiToken)
    membership, space = _table(Membership), _table(Space)
    now = timezone.now()
    sql = f"""
        SELECT
          (SELECT count(*) FROM {user} WHERE id = ANY(%s::bigint[]) AND is_active),
          (SELECT count(*) FROM {session} WHERE session_key = ANY(%s::text[])
             AND expire_date > %s),
          (SELECT count(*) FROM {token} WHERE id = ANY(%s::bigint[]) AND expires_at > %s),
          (SELECT count(*) FROM unnest(%s::bigint[], %s::bigint[]) AS p(u, s)
             WHERE EXISTS (SELECT 1 FROM {membership} m
                           WHERE m.user_id = p.u AND m.space_id = p.s)
                OR EXISTS (SELECT 1 FROM {user} x
                           WHERE x.id = p.u AND x.is_active AND x.is_staff)),
          ARRAY(SELECT ARRAY[s.id, s.event_head::bigint] FROM {space} s
                JOIN unnest(%s::bigint[], %s::bigint[]) AS d(id, delivered) ON s.id = d.id
                WHERE s.event_head > d.delivered),
          ARRAY(SELECT ARRAY[u.id, u.stream_head::bigint] FROM {user} u
                JOIN unnest(%s::bigint[], %s::bigint[]) AS d(id, delivered) ON u.id = d.id
                WHERE u.stream_head > d.delivered)
    """  # noqa: S608 - table names come from the models, values are parameters
    with connection.cursor() as cursor:
        users, sessions, tokens, pair_users, pair_spaces = roster.literals
        cursor.execute(sql, [
            users, sessions, now, tokens, now, pair_users, pair_spaces,
            _ints(space_heads), _ints(space_heads.values()),
            _ints(user_heads), _ints(user_heads.values()),
        ])
        active, sessions, tokens, pairs, spaces_moved, users_moved = cursor.fetchone()
    moved: dict[StreamKey, int] = {("space", pk): head for pk, head in spaces_moved}
    moved.update((("user", pk), head) for pk, head in users_moved)
    intact = (active == len(roster.users) and sessions == len(roster.sessions)
              and tokens == len(roster.tokens) and pairs == len(roster.pair_users))
    return QuickAudit(intact=intact, moved=moved)


@dataclass(frozen=True)
class AuditSnapshot:
    heads: dict[StreamKey, int]
    memberships: set[tuple[int, int]]  # (user_id, space_id)
    active_users: set[int]
    staff: set[int]
    live_sessions: set[str]
    live_tokens: set[int]


@database_sync_to_async
def audit_snapshot(streams: list[StreamKey], user_ids: set[int], session_keys: set[str],
                   token_ids: set[int] | None = None) -> AuditSnapshot:
    """Everything one audit tick needs, in five queries at most whatever the number of
    connections (sessions and API tokens are read only when some connection has one).

    Membership is read before the heads: a removal that commits in between is then either
    missed by both (next tick) or visible in the heads, so the hub delivers ``member.removed``
    before it ends the stream for it, never the other way round."""
    space_ids = [k[1] for k in streams if k[0] == "space"]
    memberships = set(
        Membership.objects.filter(AnyOf("user_id", user_ids), AnyOf("space_id", space_ids))
        .values_list("user_id", "space_id")
    )
    active_users: set[int] = set()
    staff: set[int] = set()
    heads: dict[StreamKey, int] = {}
    for pk, is_active, is_staff, stream_head in User.objects.filter(
        AnyOf("pk", user_ids | {k[1] for k in streams if k[0] == "user"})
    ).values_list("pk", "is_active", "is_staff", "stream_head"):
        heads[("user", pk)] = stream_head
        if is_active:
            active_users.add(pk)
            if is_staff:
                staff.add(pk)
    live_sessions = set(
        Session.objects.filter(AnyOf("session_key", session_keys),
                               expire_date__gt=timezone.now())
        .values_list("session_key", flat=True)
    ) if session_keys else set()
    live_tokens = set(
        ApiToken.objects.filter(AnyOf("pk", token_ids), expires_at__gt=timezone.now())
        .values_list("pk", flat=True)
    ) if token_ids else set()
    heads.update(
        (("space", pk), head)
        for pk, head in Space.objects.filter(AnyOf("pk", space_ids)).values_list("pk",
                                                                                "event_head")
    )
    return AuditSnapshot(heads=heads, memberships=memberships, active_users=active_users,
                         staff=staff, live_sessions=live_sessions, live_tokens=live_tokens)
