"""Several server processes behind one database: every client sees every event of a space
exactly once, in seq order, whichever process it is connected to and whichever process the
change went through — with Redis carrying the notifications, and without it while it is down.
"""

from __future__ import annotations

import asyncio
from contextlib import ExitStack

import pytest

from tests.conftest import People
from tests.integration.helpers import Api, Subscriber, late_frames, posted, received
from tests.servers import free_port, redis_on, running_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(60)]

SPACE = "rma"


async def post_alternately(apis: list[Api], thread: int, bodies: list[str]) -> list[tuple]:
    """Post each body through the next API in turn; returns what was posted as (seq, kind,
    body)."""
    return [posted(await apis[i % len(apis)].post(thread, body)) for i, body in enumerate(bodies)]


async def assert_received_exactly(clients: list[Subscriber], expected: list[tuple]) -> None:
    """Each client gets exactly ``expected`` (in order) and nothing more."""
    last = expected[-1][0]
    for client in clients:
        assert [received(e) for e in await client.events_through(last)] == expected
    assert await late_frames(clients) == []


async def share_events(people: People, redis_url: str, second_server: str) -> None:
    with running_server(redis_url=redis_url) as a, \
            running_server(redis_url=redis_url, server=second_server) as b:
        florence_a = await Api.login(a, people.facilitator.email)
        marc_b = await Api.login(b, people.member.email)
        async with Subscriber.connect(a, florence_a) as on_a, \
                Subscriber.connect(b, marc_b) as on_b:
            for client in (on_a, on_b):
                assert (await client.subscribe(SPACE, after=0))["head"] == 0

            thread = await florence_a.start_thread(SPACE, "Bornes sonores",
                                                   "Qui a testé les bornes sonores ?")
            expected = [posted(thread)]
            thread_id = thread["thread"]["id"]
            # One after the other, alternating processes and authors...
            expected += await post_alternately([marc_b, florence_a, marc_b.on(a),
                                                florence_a.on(b)],
                                               thread_id, [f"Réponse {i}" for i in range(6)])
            # ...then concurrently through both processes: seqs are whatever the database
            # gave, and every client must see them in that order.
            burst = await asyncio.gather(*(
                (florence_a if i % 2 else marc_b).post(thread_id, f"Rafale {i}")
                for i in range(8)
            ))
            expected += sorted(posted(answer) for answer in burst)
            assert [seq for seq, _kind, _body in expected] == list(range(1, 16))
            await assert_received_exactly([on_a, on_b], expected)


@pytest.mark.redis
@pytest.mark.postgres
async def test_two_daphne_processes_share_events(community: People, redis_url: str) -> None:
    await share_events(community, redis_url, second_server="daphne")


@pytest.mark.redis
@pytest.mark.postgres
async def test_daphne_and_uvicorn_share_events(community: People, redis_url: str) -> None:
    """The ASGI server is a deployment choice: a uvicorn process joins a daphne one."""
    await share_events(community, redis_url, second_server="uvicorn")


async def test_redis_restart_loses_nothing(community: People) -> None:
    """A private redis-server (never the machine's shared one) is stopped and restarted on the
    same port; what was posted meanwhile reaches every client through the hubs' audit."""
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    with ExitStack() as stack:
        redis = stack.enter_context(redis_on(port))
        a = stack.enter_context(running_server(redis_url=url))
        b = stack.enter_context(running_server(redis_url=url))
        florence_a = await Api.login(a, community.facilitator.email)
        marc_b = await Api.login(b, community.member.email)
        async with Subscriber.connect(a, florence_a) as on_a, \
                Subscriber.connect(b, marc_b) as on_b, \
                Subscriber.connect(b, florence_a) as also_on_b:
            for client in (on_a, on_b, also_on_b):
                await client.subscribe(SPACE, after=0)
            thread = await florence_a.start_thread(SPACE, "Panne", "Avant la panne")
            thread_id = thread["thread"]["id"]
            apis = [marc_b, florence_a]
            expected = [posted(thread)]
            expected += await post_alternately(apis, thread_id, ["avant 1", "avant 2"])
            for client in (on_a, on_b, also_on_b):
                await client.events_through(3)

            redis.terminate()
            redis.wait(timeout=5)
            # Publishing fails, the API still answers 201 (the event is committed), and the
            # hubs find the events by auditing the log while Redis is still down.
            expected += await post_alternately(apis, thread_id, ["pendant 1", "pendant 2",
                                                                 "pendant 3"])
            for client in (on_a, on_b, also_on_b):
                assert [received(e) for e in await client.events_through(6)] == expected[3:]

            stack.enter_context(redis_on(port))
            expected += await post_alternately(apis, thread_id, ["après 1", "après 2"])

            assert [seq for seq, _kind, _body in expected] == list(range(1, 9))
            for client in (on_a, on_b, also_on_b):
                assert [received(e) for e in await client.events_through(8)] == expected[6:]
            assert await late_frames([on_a, on_b, also_on_b]) == []


async def test_resume_after_disconnect_across_processes(community: People,
                                                        redis_url: str | None) -> None:
    with running_server(redis_url=redis_url) as a, running_server(redis_url=redis_url) as b:
        florence_a = await Api.login(a, community.facilitator.email)
        marc_a = await Api.login(a, community.member.email)
        thread = await florence_a.start_thread(SPACE, "Reprise", "Premier message")
        thread_id = thread["thread"]["id"]
        expected = [posted(thread)]
        expected += await post_alternately([florence_a], thread_id, ["deux", "trois", "quatre"])

        async with Subscriber.connect(a, marc_a) as client:
            assert (await client.subscribe(SPACE, after=0))["head"] == 4
            k = 2
            assert [received(e) for e in await client.events_through(k)] == expected[:k]
        # Gone after reading seq 2: 3 and 4 were sent but never read, 5 and 6 come later.
        expected += await post_alternately([florence_a, marc_a.on(b)], thread_id,
                                           ["cinq", "six"])

        async with Subscriber.connect(b, marc_a) as client:
            assert (await client.subscribe(SPACE, after=k))["head"] == 6
            assert [received(e) for e in await client.events_through(6)] == expected[k:]
            expected += await post_alternately([florence_a, marc_a.on(b)], thread_id,
                                               ["sept (direct)", "huit (direct)"])
            assert [received(e) for e in await client.events_through(8)] == expected[6:]
            assert await late_frames([client]) == []


async def test_late_subscriber_on_lagging_hub_gets_each_event_once(community: People) -> None:
    """Known bug (realtime/hub.py, Hub.subscribe): a client that subscribes on a process whose
    hub has not yet delivered the latest events (their notification lost or still in flight)
    gets them from the log, then again when the hub catches up. Without Redis, process B
    learns of A's posts only through its audit; a 2 s tick holds that window open."""
    with running_server(redis_url=None) as a, \
            running_server(redis_url=None, extra_env={"REALTIME_AUDIT_SECONDS": "2"}) as b:
        florence_a = await Api.login(a, community.facilitator.email)
        async with Subscriber.connect(b, florence_a) as early:
            await early.subscribe(SPACE, after=0)  # B's hub now follows the space
            thread = await florence_a.start_thread(SPACE, "Retard", "un")
            expected = [posted(thread), posted(await florence_a.post(thread["thread"]["id"],
                                                                     "deux"))]
            async with Subscriber.connect(b, florence_a) as late:
                assert (await late.subscribe(SPACE, after=0))["head"] == 2
                assert [received(e) for e in await late.events_through(2)] == expected
                assert [received(e) for e in await early.events_through(2)] == expected
                assert await late_frames([late]) == []


async def test_process_started_while_redis_is_down_serves_from_the_log(
        community: People) -> None:
    """Known bug (realtime/hub.py, Hub.start): when the channel layer is unreachable as the
    hub starts, ``new_channel`` raises out of ``get_hub`` and every websocket is closed with
    1011, although the audit could serve it from the database."""
    port = free_port()
    with redis_on(port) as redis:
        redis.terminate()
        redis.wait(timeout=5)
        with running_server(redis_url=f"redis://127.0.0.1:{port}/0") as server:
            florence = await Api.login(server, community.facilitator.email)
            thread = await florence.start_thread(SPACE, "Sans Redis", "un")
            async with Subscriber.connect(server, florence) as client:
                assert (await client.subscribe(SPACE, after=0))["head"] == 1
                expected = [posted(thread),
                            posted(await florence.post(thread["thread"]["id"], "deux"))]
                assert [received(e) for e in await client.events_through(2)] == expected
