"""Who may hold a live stream, checked against real server processes."""

from __future__ import annotations

import time

import pytest
from channels.db import database_sync_to_async

from communities.services.spaces import remove_member
from tests.conftest import People
from tests.integration.helpers import Api, Subscriber, late_frames, posted, received, refusal
from tests.servers import running_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(60)]

SPACE = "rma"


async def test_removed_member_loses_stream_within_two_seconds(community: People,
                                                              redis_url: str | None) -> None:
    with running_server(redis_url=redis_url) as a, running_server(redis_url=redis_url) as b:
        florence_a = await Api.login(a, community.facilitator.email)
        marc = await Api.login(b, community.member.email)
        noemie = await Api.login(b, community.other_member.email)
        thread = await florence_a.start_thread(SPACE, "Accueil", "Bienvenue")
        async with Subscriber.connect(b, marc) as removed, \
                Subscriber.connect(b, noemie) as witness:
            for client in (removed, witness):
                await client.subscribe(SPACE, after=0)
                await client.events_through(1)

            # In this process, as the facilitator would from the web interface: the event
            # reaches process B through Redis, or through its audit when there is none.
            started = time.monotonic()
            await database_sync_to_async(remove_member)(actor=community.facilitator,
                                               space=community.space, member=community.member)
            event = await removed.frame(within=2)
            error = await removed.frame(within=max(2 - (time.monotonic() - started), 0.01))
            assert time.monotonic() - started < 2
            assert (event["type"], event["seq"], event["kind"]) == ("event", 2, "member.removed")
            assert event["data"]["member"]["id"] == community.member.pk
            assert (error["type"], error["code"], error["space"]) == ("error", "forbidden", SPACE)

            later = [posted(await florence_a.post(thread["thread"]["id"], f"Après {i}"))
                     for i in range(2)]
            events = await witness.events_through(4)
            assert [e["kind"] for e in events] == ["member.removed"] + ["message.created"] * 2
            assert [received(e) for e in events[1:]] == later
            assert await late_frames([removed]) == []

            await removed.send({"type": "subscribe", "space": SPACE, "after": 0})
            again = await removed.frame()
            # No longer a member: the same answer as for a space that does not exist.
            assert (again["type"], again["code"]) == ("error", "not_found")


async def test_foreign_origin_refused_and_ticket_single_use(community: People) -> None:
    with running_server(redis_url=None) as server:
        marc = await Api.login(server, community.member.email)

        ticket = await marc.ticket()
        assert await refusal(server, ticket) is None  # API client, no Origin: accepted
        assert await refusal(server, ticket) == 403  # the same ticket again: refused

        foreign = await marc.ticket()
        assert await refusal(server, foreign, origin="https://pirate.example") == 403
        assert await refusal(server, await marc.ticket(),
                             origin=f"http://127.0.0.1:{server.port}") is None
