"""The channel layer sharded over two Redis servers (``REDIS_URL`` listing both).

channels-redis's pub/sub layer puts each group's channel on one server by consistent hash, and
the after-commit publisher (realtime/publish.py) must pick the same server, or the hubs listen
on one Redis while the event is announced on the other. With the hubs' audit of the log slowed
to 30 s, delivery within a few seconds can only come through the right shard. Then one shard
is stopped: the spaces it carried keep their events (the audit serves them from the log, the
way it serves a process that lost its only Redis) and /readyz names the lost server until it
is back and the hubs listen on it again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
import redis
import requests
from channels_redis.utils import _consistent_hash
from django.conf import settings

from communities.models import Membership, Role, Space
from tests.conftest import People
from tests.integration.helpers import Api, Subscriber, posted, received
from tests.servers import ServerProcess, free_port, redis_on, running_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]

SHARDS = 2
# Far longer than the deliveries below may take: an event announced on the wrong shard would
# only reach the subscribers through the audit, and the test would time out first.
SLOW_AUDIT = "30"
WITHIN = 10.0

Event = tuple[int, str, str]


def group_channel(space: Space) -> str:
    # The name channels-redis gives a group's channel (realtime.frames.group_for's group).
    return f"{settings.CHANNEL_LAYER_PREFIX}__group__space.{space.pk}"


def shard_of(space: Space) -> int:
    return int(_consistent_hash(group_channel(space), SHARDS))


@pytest.fixture
def spaces_by_shard(community: People) -> dict[int, list[Space]]:
    """Two spaces on each shard: new spaces are created until the hash has placed enough on
    both (their ids, hence their channels, come from the database's sequence)."""
    found: dict[int, list[Space]] = {shard: [] for shard in range(SHARDS)}
    candidates = [community.space]
    number = 0
    while any(len(spaces) < 2 for spaces in found.values()):
        assert number < 50, f"the hash put 50 spaces on one shard: {found}"
        if not candidates:
            number += 1
            space = Space.objects.create(slug=f"reseau-{number}", name=f"Réseau {number}")
            for person, role in ((community.facilitator, Role.FACILITATOR),
                                 (community.member, Role.MEMBER)):
                Membership.objects.create(space=space, user=person, role=role)
            candidates.append(space)
        space = candidates.pop()
        if len(found[shard_of(space)]) < 2:
            found[shard_of(space)].append(space)
    return found


@pytest.fixture
def shards() -> Iterator[dict[str, Any]]:
    ports = [free_port() for _ in range(SHARDS)]
    with ExitStack() as stack:
        servers = [stack.enter_context(redis_on(port)) for port in ports]
        yield {"ports": ports, "servers": servers, "stack": stack,
               "url": ",".join(f"redis://127.0.0.1:{port}/0" for port in ports)}


def two_processes(stack: ExitStack, redis_url: str, audit: str) -> list[ServerProcess]:
    return [stack.enter_context(running_server(
        redis_url=redis_url, server="uvicorn", extra_env={"REALTIME_AUDIT_SECONDS": audit}))
        for _ in range(2)]


async def collect(client: Subscriber, last: dict[str, int],
                  within: float = WITHIN) -> dict[str, list[Event]]:
    """Every event frame until each space has reached its last seq; anything else fails."""
    got: dict[str, list[Event]] = {slug: [] for slug in last}
    deadline = time.monotonic() + within

    def done() -> bool:
        return all(events and events[-1][0] >= last[slug] for slug, events in got.items())

    while not done():
        left = deadline - time.monotonic()
        try:
            frame = await client.frame(within=max(left, 0.01))
        except TimeoutError:
            raise AssertionError(f"not everything within {within}s; got {got}") from None
        assert frame["type"] == "event", frame
        got[frame["space"]].append(received(frame))
    return got


async def post_everywhere(spaces: list[Space], authors: list[Api],
                          rounds: int) -> dict[str, list[Event]]:
    """A thread in every space, then ``rounds`` replies each, the authors on both processes
    taking turns so every process publishes on every shard."""
    expected: dict[str, list[Event]] = {}
    threads: dict[str, int] = {}
    for index, space in enumerate(spaces):
        answer = await authors[index % 2].start_thread(space.slug, f"Sujet {space.slug}",
                                                      "Qui commence ?")
        threads[space.slug] = answer["thread"]["id"]
        expected[space.slug] = [posted(answer)]
    for turn in range(rounds):
        for index, space in enumerate(spaces):
            author = authors[(index + turn + 1) % 2]
            answer = await author.post(threads[space.slug], f"Réponse {turn} dans {space.slug}")
            expected[space.slug].append(posted(answer))
    return expected


async def subscribe_all(clients: list[Subscriber], spaces: list[Space]) -> None:
    for client in clients:
        for space in spaces:
            await client.subscribe(space.slug, after=0)


async def both_shards_carry_their_spaces(processes: list[ServerProcess], people: People,
                                         by_shard: dict[int, list[Space]],
                                         ports: list[int]) -> None:
    a, b = processes
    spaces = [space for shard in range(SHARDS) for space in by_shard[shard]]
    florence = await Api.login(a, people.facilitator.email)
    marc = await Api.login(b, people.member.email)
    async with Subscriber.connect(a, florence) as on_a, Subscriber.connect(b, marc) as on_b:
        await subscribe_all([on_a, on_b], spaces)
        # Each hub listens for a space on that space's shard, and on that shard only.
        for shard, port in enumerate(ports):
            numsub = dict(redis.Redis(port=port).pubsub_numsub(
                *[group_channel(space) for space in spaces]))
            for space in spaces:
                assert numsub[group_channel(space).encode()] == \
                    (2 if shard_of(space) == shard else 0), (shard, space.slug, numsub)

        expected = await post_everywhere(spaces, [florence, marc], rounds=3)
        last = {slug: events[-1][0] for slug, events in expected.items()}
        for client in (on_a, on_b):
            assert await collect(client, last) == expected
        # Nothing late, nothing twice.
        assert await on_a.silence(1.0) == [] and await on_b.silence(0.1) == []


def test_every_event_is_delivered_once_in_order_through_both_shards(
        community: People, spaces_by_shard: dict[int, list[Space]],
        shards: dict[str, Any]) -> None:
    processes = two_processes(shards["stack"], shards["url"], SLOW_AUDIT)
    asyncio.run(both_shards_carry_their_spaces(processes, community, spaces_by_shard,
                                               shards["ports"]))


def readiness(server: ServerProcess) -> requests.Response:
    return requests.get(f"{server.http}/readyz", headers={"Accept": "application/json"},
                        timeout=15)


async def a_shard_goes_away(processes: list[ServerProcess], people: People,
                            by_shard: dict[int, list[Space]], shards: dict[str, Any]) -> None:
    a, b = processes
    spaces = [space for shard in range(SHARDS) for space in by_shard[shard]]
    florence = await Api.login(a, people.facilitator.email)
    marc = await Api.login(b, people.member.email)
    async with Subscriber.connect(a, florence) as on_a, Subscriber.connect(b, marc) as on_b:
        await subscribe_all([on_a, on_b], spaces)
        lost, kept = 1, 0
        shards["servers"][lost].terminate()
        shards["servers"][lost].wait(timeout=10)

        # Posting never depends on the notification: every post is accepted.
        expected = await post_everywhere(spaces, [florence, marc], rounds=2)
        last = {slug: events[-1][0] for slug, events in expected.items()}
        for client in (on_a, on_b):
            assert await collect(client, last) == expected
        assert await on_a.silence(1.0) == [] and await on_b.silence(0.1) == []

        for server in processes:
            answer = readiness(server)
            assert answer.status_code == 500, answer.text
            failing = {name for name, why in answer.json().items() if why != "OK"}
            assert failing == {f"Redis(db=0, host='127.0.0.1', port={shards['ports'][lost]})"}
            assert answer.json()[
                f"Redis(db=0, host='127.0.0.1', port={shards['ports'][kept]})"] == "OK"

        # The shard comes back: readiness recovers, and the hubs listen on it again (so its
        # spaces are live again, not left to the log poll).
        shards["stack"].enter_context(redis_on(shards["ports"][lost]))
        back = redis.Redis(port=shards["ports"][lost])
        channels = [group_channel(space) for space in by_shard[lost]]
        deadline = time.monotonic() + 20
        while not (all(readiness(server).status_code == 200 for server in processes)
                   and all(count == 2 for _, count in back.pubsub_numsub(*channels))):
            assert time.monotonic() < deadline, (back.pubsub_numsub(*channels),
                                                 [readiness(s).text for s in processes])
            await asyncio.sleep(0.2)


def test_a_lost_shard_loses_no_event_and_readiness_names_it(
        community: People, spaces_by_shard: dict[int, list[Space]],
        shards: dict[str, Any]) -> None:
    # The audit at its usual pace: it is what serves the lost shard's spaces.
    processes = two_processes(shards["stack"], shards["url"], "0.5")
    asyncio.run(a_shard_goes_away(processes, community, spaces_by_shard, shards))
