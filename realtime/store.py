"""What the hub and the consumer read from the database, as plain values.

The hub runs in the event loop; these run in a worker thread (``database_sync_to_async``)
and return tuples so nothing lazy crosses back into async code."""

from __future__ import annotations

from dataclasses import dataclass

from channels.db import database_sync_to_async
from django.contrib.sessions.models import Session
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from communities.models import ApiToken, Event, Membership, Space, User
from realtime.frames import PERSONAL_STREAM, event_frame

StreamKey = tuple[str, int]  # ("space", space_id) or ("user", user_id)


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


@database_sync_to_async
def space_stream(user_id: int, slug: str) -> StreamKey | None:
    """The space's stream if the person may read it, else None — for a private space they are
    not in exactly as for a slug that does not exist, so slugs cannot be probed. One query
    either way, so the two answers also take the same path."""
    may_read = Q(Exists(Membership.objects.filter(space=OuterRef("pk"), user_id=user_id))) | Q(
        Exists(User.objects.filter(pk=user_id, is_active=True, is_staff=True))
    )
    space_id = Space.objects.filter(may_read, slug=slug).values_list("pk", flat=True).first()
    return None if space_id is None else ("space", space_id)


@database_sync_to_async
def bounds(key: StreamKey) -> Bounds:
    if key[0] == "space":
        head, floor = Space.objects.filter(pk=key[1]).values_list("event_head", "event_floor").get()
        return Bounds(head=head, floor=floor)
    head = User.objects.filter(pk=key[1]).values_list("stream_head", flat=True).get()
    return Bounds(head=head, floor=0)


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
        Membership.objects.filter(user_id__in=user_ids, space_id__in=space_ids).values_list(
            "user_id", "space_id"
        )
    )
    active_users: set[int] = set()
    staff: set[int] = set()
    heads: dict[StreamKey, int] = {}
    for pk, is_active, is_staff, stream_head in User.objects.filter(
        pk__in=user_ids | {k[1] for k in streams if k[0] == "user"}
    ).values_list("pk", "is_active", "is_staff", "stream_head"):
        heads[("user", pk)] = stream_head
        if is_active:
            active_users.add(pk)
            if is_staff:
                staff.add(pk)
    live_sessions = set(
        Session.objects.filter(session_key__in=session_keys, expire_date__gt=timezone.now())
        .values_list("session_key", flat=True)
    ) if session_keys else set()
    live_tokens = set(
        ApiToken.objects.filter(pk__in=token_ids, expires_at__gt=timezone.now())
        .values_list("pk", flat=True)
    ) if token_ids else set()
    heads.update(
        (("space", pk), head)
        for pk, head in Space.objects.filter(pk__in=space_ids).values_list("pk", "event_head")
    )
    return AuditSnapshot(heads=heads, memberships=memberships, active_users=active_users,
                         staff=staff, live_sessions=live_sessions, live_tokens=live_tokens)
