"""A committee's stream over a real websocket: its members follow it live, nobody else may
subscribe to it or learns its name from the space's stream, and leaving the space ends it
within two seconds."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from communities.services.committees import create_committee
from communities.services.discussion import post_message, start_thread
from communities.services.spaces import leave_space, remove_member
from realtime.hub import stop_hub
from tests.realtime.ws_helper import connect, frame

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def _fresh_hub():
    yield
    await stop_hub()
    await sync_to_async(connections.close_all)()


async def committee_of(people):
    return await sync_to_async(create_committee)(
        actor=people.facilitator, space=people.space, name="Comité de planification",
        members=[people.member.pk])


async def subscribed(user, slug: str):
    ws = await connect(user)
    await ws.send_json_to({"type": "subscribe", "space": slug})
    answer = await frame(ws)
    return ws, answer


async def test_committee_members_follow_its_stream_live(people):
    committee = await committee_of(people)
    ws, answer = await subscribed(people.member, committee.slug)
    assert answer["type"] == "subscribed"
    await sync_to_async(start_thread)(actor=people.facilitator, space=committee,
                                      title="Ordre du jour", body="Premier jet")
    event = await frame(ws)
    assert (event["space"], event["kind"]) == (committee.slug, "thread.created")
    await ws.disconnect()


@pytest.mark.parametrize("who", ["other_member", "outsider", "removed"])
async def test_nobody_outside_the_committee_may_subscribe(people, who):
    committee = await committee_of(people)
    if who == "removed":
        await sync_to_async(remove_member)(actor=people.facilitator, space=people.space,
                                           member=people.member)
        user = people.member
    else:
        user = getattr(people, who)
    ws, answer = await subscribed(user, committee.slug)
    assert (answer["type"], answer["code"]) == ("error", "not_found")
    await ws.disconnect()


async def test_the_space_stream_carries_nothing_of_a_hidden_committee(people):
    ws, answer = await subscribed(people.other_member, "rma")
    assert answer["type"] == "subscribed"
    committee = await committee_of(people)
    thread = await sync_to_async(start_thread)(actor=people.member, space=committee,
                                               title="Budget confidentiel", body="Chiffres")
    await sync_to_async(post_message)(actor=people.facilitator, thread=thread.thread,
                                      body="Merci")
    # A later event of the space itself arrives first: nothing came before it.
    await sync_to_async(start_thread)(actor=people.facilitator, space=people.space,
                                      title="Public", body="Pour tous")
    event = await frame(ws)
    assert event["kind"] == "thread.created" and event["data"]["thread"]["title"] == "Public"
    assert "planification" not in json.dumps(event)
    await ws.disconnect()


@pytest.mark.parametrize("how", ["removed", "left"])
async def test_losing_the_space_ends_the_committee_stream_within_2s(people, how):
    committee = await committee_of(people)
    ws, answer = await subscribed(people.member, committee.slug)
    assert answer["type"] == "subscribed"
    started = asyncio.get_running_loop().time()
    if how == "removed":
        await sync_to_async(remove_member)(actor=people.facilitator, space=people.space,
                                           member=people.member)
    else:
        await sync_to_async(leave_space)(actor=people.member, space=people.space)
    frames: list[dict] = []
    while not (frames and frames[-1]["type"] == "error"):
        frames.append(await frame(ws, wait=2))
    assert asyncio.get_running_loop().time() - started < 2
    committee_frames = [f for f in frames if f.get("space") == committee.slug]
    assert committee_frames[0]["kind"] == "committee.member_removed"
    assert (committee_frames[-1]["type"], committee_frames[-1]["code"]) == ("error", "forbidden")
    await ws.send_json_to({"type": "subscribe", "space": committee.slug, "after": 0})
    again = await frame(ws)
    while again.get("space") == "@me":
        again = await frame(ws)
    assert (again["type"], again["code"]) == ("error", "not_found")
    await ws.disconnect()
