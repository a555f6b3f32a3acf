"""The audit tick asks the database with arrays and judges access in full only when something
was revoked: one query per tick whatever the number of connections, the same SQL text for 3
connections as for 60, and a removal still ends the stream."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections
from django.db.backends.signals import connection_created

from communities.services.spaces import remove_member
from realtime.hub import Hub
from tests.realtime.peers import Peer, link_for, members

pytestmark = pytest.mark.django_db(transaction=True)


class Statements:
    """Every statement the hub's database threads run while installed, before parameters are
    bound: (SQL text, number of parameters)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []
        self.wrapped: list = []

    def __call__(self, execute, sql, params, many, context):
        self.seen.append((sql, len(params or ())))
        return execute(sql, params, many, context)

    def _wrap(self, sender, connection, **kwargs) -> None:
        # Each call of the hub's reads takes a connection from the pool in one of its threads.
        if self not in connection.execute_wrappers:
            connection.execute_wrappers.append(self)
            self.wrapped.append(connection)

    async def __aenter__(self) -> Statements:
        connection_created.connect(self._wrap)
        return self

    async def __aexit__(self, *exc: object) -> None:
        connection_created.disconnect(self._wrap)
        for wrapper in self.wrapped:
            wrapper.execute_wrappers.remove(self)


@pytest.fixture
async def hub():
    hub = Hub(None, audit_seconds=60)  # ticks are driven by the test
    yield hub
    await hub.stop()
    await sync_to_async(connections.close_all)()


def _session() -> str:
    store = SessionStore()
    store.create()
    return str(store.session_key)


async def _subscribe_many(hub: Hub, people, count: int, prefix: str) -> list:
    users = await sync_to_async(members)(people.space, count, prefix)
    key = ("space", people.space.pk)
    links = []
    for user in users:
        link = link_for(user, Peer(), session_key=await sync_to_async(_session)())
        hub.attach(link)
        await hub.subscribe(link, key, "rma", after=None)
        links.append(link)
    return links


async def test_a_quiet_tick_is_one_query_whatever_the_number_of_connections(people, hub):
    await _subscribe_many(hub, people, 3, "Petit")
    async with Statements() as few:
        await hub.audit()
    await _subscribe_many(hub, people, 57, "Grand")
    async with Statements() as many:
        await hub.audit()
    assert len(few.seen) == len(many.seen) == 1
    assert few.seen == many.seen  # same text, same number of parameters: arrays
    assert "ANY(" in few.seen[0][0]


async def test_a_revocation_makes_the_tick_judge_in_full_and_end_the_stream(people, hub):
    links = await _subscribe_many(hub, people, 5, "Membre")
    removed = links[0]
    peer = removed.send_message.__self__
    facilitator = people.facilitator
    member = await sync_to_async(lambda: facilitator.__class__.objects.get(pk=removed.user_id))()
    await sync_to_async(remove_member)(actor=facilitator, space=people.space, member=member)
    async with Statements() as tick:
        await hub.audit()
    assert len(tick.seen) > 1  # the quick check failed: the full snapshot followed
    assert all(" IN (%s, %s" not in sql for sql, _ in tick.seen)
    kinds = [(f["type"], f.get("kind") or f.get("code")) for f in peer.received
             if f["type"] in {"event", "error"}]
    # The removal is delivered from the log first (its notification had nowhere to go),
    # then the stream ends.
    assert kinds == [("event", "member.removed"), ("error", "forbidden")]
    assert not removed.streams
    async with Statements() as after:
        await hub.audit()
    assert len(after.seen) == 1  # nothing more revoked: quick again


async def test_an_ended_session_closes_its_link_at_the_next_tick(people, hub):
    links = await _subscribe_many(hub, people, 4, "Membre")
    ended = links[2]
    await sync_to_async(SessionStore(session_key=ended.session_key).delete)()
    await hub.audit()
    peer = ended.close.__self__
    assert peer.closed_with == 4001
    assert ended not in hub.links and all(link in hub.links for link in links if link is not ended)
