"""Presence across server processes, through real Redis: two hubs, each with its own channel
layer, as two processes have. A person who leaves one hub is gone from the other's list at
its next flush, a hub that dies takes its people with it once its list goes stale, and a
heartbeat that says nothing new costs the other hubs no decoding and their connections no
frame."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from django.db import connections

from realtime import hub as hub_module
from realtime import presence as presence_module
from realtime.frames import group_for
from realtime.hub import Hub
from tests.realtime.peers import Peer, link_for
from tests.waiting import async_wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]

HEARTBEAT = 0.3
TTL = 3 * HEARTBEAT


@pytest.fixture
async def hubs(monkeypatch):
    monkeypatch.setattr(hub_module, "HEARTBEAT_SECONDS", HEARTBEAT)
    monkeypatch.setattr(presence_module, "PRESENCE_TTL", TTL)
    # One layer each: two processes do not share a Redis connection or a channel name.
    pair = [Hub(channel_layers.make_backend("default"), audit_seconds=0.1) for _ in range(2)]
    for hub in pair:
        await hub.start()
    await async_wait_until(lambda: all(hub.channel_name for hub in pair),
                           message="a hub never opened its channel")
    yield pair
    for hub in pair:
        await hub.stop()
    await sync_to_async(connections.close_all)()


async def test_people_on_two_hubs_see_each_other_come_and_go(people, hubs):
    first, second = hubs
    key = ("space", people.space.pk)
    marc, noemie = Peer(), Peer()
    marc_link = link_for(people.member, marc)
    noemie_link = link_for(people.other_member, noemie)
    first.attach(marc_link)
    second.attach(noemie_link)
    await first.subscribe(marc_link, key, "rma", after=None)
    await second.subscribe(noemie_link, key, "rma", after=None)
    both = {people.member.pk, people.other_member.pk}
    await async_wait_until(lambda: set(marc.online()) == both == set(noemie.online()),
                           message="the two hubs never learnt of each other's people")

    # Heartbeats that repeat the same list: nothing for the connections.
    hints = len(marc.hints())
    remote = first.presence.spaces[key].remote[second.channel_name][0]
    heard: list[bool] = []
    set_remote = first.presence.set_remote

    def counted(*args: object) -> bool:
        heard.append(set_remote(*args))  # type: ignore[arg-type]
        return heard[-1]

    first.presence.set_remote = counted  # type: ignore[method-assign]
    await async_wait_until(lambda: len(heard) >= 4, within=5, message="no heartbeat came")
    first.presence.set_remote = set_remote  # type: ignore[method-assign]
    assert not any(heard)
    assert len(marc.hints()) == hints
    # The repeated text was not read again: the list is the very object first decoded.
    assert first.presence.spaces[key].remote[second.channel_name][0] is remote

    await second.unsubscribe(noemie_link, key)
    await async_wait_until(lambda: set(marc.online()) == {people.member.pk}, within=2,
                           message="a person who left stayed in the other hub's list")

    await second.subscribe(noemie_link, key, "rma", after=None)
    await async_wait_until(lambda: set(marc.online()) == both, within=2,
                           message="a person who came back was not listed again")

    # The second process dies: no goodbye, its announcements just stop.
    for task in second._tasks:
        task.cancel()
    await async_wait_until(lambda: set(marc.online()) == {people.member.pk},
                           within=TTL + HEARTBEAT + 2,
                           message="the people of a dead hub never expired")


async def test_a_hub_of_the_earlier_release_is_still_understood(people, hubs):
    first, _second = hubs
    key = ("space", people.space.pk)
    marc = Peer()
    link = link_for(people.member, marc)
    first.attach(link)
    await first.subscribe(link, key, "rma", after=None)
    old = channel_layers.make_backend("default")
    await old.group_send(group_for(key), {
        "type": "hub.presence", "stream": list(key), "hub": "hub.earlier",
        "people": [[people.other_member.pk, "Noémie Membre"]]})
    await async_wait_until(lambda: people.other_member.pk in marc.online(), within=2,
                           message="a list as arrays was not understood")
    assert marc.online()[people.other_member.pk]["label"] == "Noémie Membre"
