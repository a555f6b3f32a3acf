"""Presence sends what changed, gathered over a short window: a storm of N subscribes costs
O(N) presence frames in all, not a whole online list per subscribe to every connection."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from realtime.hub import Hub
from tests.realtime.peers import Peer, link_for, members
from tests.waiting import async_wait_until

pytestmark = pytest.mark.django_db(transaction=True)

N = 40


@pytest.fixture
async def hub():
    hub = Hub(None, audit_seconds=60)
    # One window wide enough that the whole storm falls in it on a loaded machine: the
    # bound below then holds exactly, not on average.
    hub.presence_debounce = 1.0
    yield hub
    await hub.stop()
    await sync_to_async(connections.close_all)()


async def test_a_storm_of_subscribes_costs_linear_presence_frames(people, hub):
    users = await sync_to_async(members)(people.space, N)
    peers = [Peer() for _ in users]
    links = [link_for(user, peer) for user, peer in zip(users, peers, strict=True)]
    for link in links:
        hub.attach(link)
    key = ("space", people.space.pk)
    await asyncio.gather(*(hub.subscribe(link, key, "rma", after=None) for link in links))
    everyone = {user.pk for user in users}
    await async_wait_until(lambda: all(set(p.online()) == everyone for p in peers),
                           within=10, message="not every peer shows the whole list")
    frames = [hint for peer in peers for hint in peer.hints()]
    # Each peer: the list once when it subscribed, then one change for the storm's window.
    assert len(frames) <= 2 * N
    assert all(sum("online" in h for h in peer.hints()) == 1 for peer in peers)
    # People named in all: at most a list and a change per peer (O(N²) names), where a
    # whole list per subscribe to every connection would name Σk² ≈ N³/3 of them.
    named = sum(len(h.get("joined", [])) + len(h.get("online", [])) for h in frames)
    assert named <= 2 * N * N


async def test_people_leaving_at_once_are_told_in_one_change(people, hub):
    users = await sync_to_async(members)(people.space, 10)
    peers = [Peer() for _ in users]
    links = [link_for(user, peer) for user, peer in zip(users, peers, strict=True)]
    key = ("space", people.space.pk)
    for link in links:
        hub.attach(link)
        await hub.subscribe(link, key, "rma", after=None)
    stay = peers[0]
    await async_wait_until(lambda: len(stay.online()) == 10, within=5)
    before = len(stay.hints())
    for link in links[1:]:
        await hub.detach(link)
    await async_wait_until(lambda: set(stay.online()) == {users[0].pk}, within=5)
    [change] = stay.hints()[before:]
    assert change["joined"] == [] and sorted(change["left"]) == sorted(u.pk for u in users[1:])


async def test_a_second_tab_of_someone_online_changes_nothing_for_the_others(people, hub):
    key = ("space", people.space.pk)
    marc, noemie, marc_again = Peer(), Peer(), Peer()
    for user, peer in ((people.member, marc), (people.other_member, noemie),
                       (people.member, marc_again)):
        link = link_for(user, peer)
        hub.attach(link)
        await hub.subscribe(link, key, "rma", after=None)
    await async_wait_until(lambda: len(noemie.online()) == 2, within=5)
    await asyncio.sleep(hub.presence_debounce + 0.2)
    told = len(noemie.hints())
    tab = link_for(people.member, Peer())
    hub.attach(tab)
    await hub.subscribe(tab, key, "rma", after=None)
    await hub.detach(tab)
    await asyncio.sleep(hub.presence_debounce + 0.2)
    assert len(noemie.hints()) == told
    assert {p["display_name"] for p in marc_again.online().values()} == {
        "Marc Membre", "Noémie Membre"}
