"""A committee's stream across two real server processes on Redis: a member on one process
sees live what is posted on the other, a member of the space outside the committee is
refused on both, and losing the space ends the committee stream on both within 2 s."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from channels.db import database_sync_to_async

from communities.models import Space
from communities.services.committees import create_committee
from communities.services.spaces import remove_member
from tests.conftest import People
from tests.integration.helpers import Api, Subscriber, late_frames, posted, received
from tests.servers import running_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(90)]


def _committee(people: People) -> Space:
    return create_committee(actor=people.facilitator, space=people.space,
                            name="Comité de planification", members=[people.member.pk])


async def test_a_member_on_one_process_sees_a_post_on_the_other(community: People,
                                                                redis_url: str | None) -> None:
    committee = await database_sync_to_async(_committee)(community)
    with running_server(redis_url=redis_url) as a, running_server(redis_url=redis_url) as b:
        marc = await Api.login(a, community.member.email)
        florence_b = await Api.login(b, community.facilitator.email)
        async with Subscriber.connect(a, marc) as reader:
            head = (await reader.subscribe(committee.slug))["head"]
            started = time.monotonic()
            answer = await florence_b.start_thread(committee.slug, "Ordre du jour",
                                                   "Trois points pour l'automne ?")
            (event,) = await reader.events_through(answer["seq"], within=2)
            assert time.monotonic() - started < 2
            assert event["space"] == committee.slug and event["seq"] == head + 1
            assert received(event) == posted(answer)
            reply = await florence_b.post(answer["thread"]["id"], "Et un tour de table.")
            (event,) = await reader.events_through(reply["seq"], within=2)
            assert received(event) == posted(reply)


async def test_a_space_member_outside_the_committee_is_refused_on_both(
        community: People, redis_url: str | None) -> None:
    committee = await database_sync_to_async(_committee)(community)
    with running_server(redis_url=redis_url) as a, running_server(redis_url=redis_url) as b:
        noemie = await Api.login(a, community.other_member.email)
        florence_b = await Api.login(b, community.facilitator.email)
        for server in (a, b):
            async with Subscriber.connect(server, noemie) as outsider:
                await outsider.send({"type": "subscribe", "space": committee.slug, "after": 0})
                refusal = await outsider.frame()
                assert (refusal["type"], refusal["code"]) == ("error", "not_found")
                # The answer given for a space that does not exist (only the slug asked for is
                # echoed): nothing tells that this committee exists, nor its name.
                await outsider.send({"type": "subscribe", "space": "rma-nulle-part"})
                unknown = await outsider.frame()
                assert {**refusal, "space": "?"} == {**unknown, "space": "?"}
                assert "Comité" not in json.dumps(refusal, ensure_ascii=False)
                await florence_b.start_thread(committee.slug, "Budget confidentiel", "Chiffres")
                assert await late_frames([outsider]) == []


async def test_removal_from_the_space_ends_the_committee_stream_on_both_within_2s(
        community: People, redis_url: str | None) -> None:
    committee = await database_sync_to_async(_committee)(community)
    with running_server(redis_url=redis_url) as a, running_server(redis_url=redis_url) as b:
        marc = await Api.login(a, community.member.email)
        florence_b = await Api.login(b, community.facilitator.email)
        async with Subscriber.connect(a, marc) as on_a, Subscriber.connect(b, marc) as on_b:
            for client in (on_a, on_b):
                await client.subscribe(committee.slug)
            started = time.monotonic()
            await database_sync_to_async(remove_member)(
                actor=community.facilitator, space=community.space, member=community.member)
            for client in (on_a, on_b):
                frames: list[dict[str, Any]] = []
                while not (frames and frames[-1]["type"] == "error"):
                    frames.append(await client.frame(
                        within=max(2 - (time.monotonic() - started), 0.01)))
                assert [f["kind"] for f in frames[:-1]] == ["committee.member_removed"]
                assert (frames[-1]["code"], frames[-1]["space"]) == ("forbidden",
                                                                      committee.slug)
            assert time.monotonic() - started < 2
            await florence_b.start_thread(committee.slug, "Après le départ", "Rien pour Marc")
            assert await late_frames([on_a, on_b]) == []
