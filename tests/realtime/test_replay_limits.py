"""Subscribing is cheap to send and can be costly to serve (a replay from the log): one
connection's subscribes are limited per minute, and a replay beyond a bound answers resync."""

from __future__ import annotations

from collections import Counter

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from communities.services.discussion import post_message, start_thread
from realtime.hub import stop_hub
from tests.realtime.ws_helper import connect, frame, until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def _fresh_hub():
    yield
    await stop_hub()
    await sync_to_async(connections.close_all)()


@sync_to_async
def history(people, length: int) -> None:
    thread = start_thread(actor=people.member, space=people.space, title="Fil", body="0").thread
    for number in range(1, length):
        post_message(actor=people.member, thread=thread, body=str(number))


async def test_a_hundred_subscribes_from_zero_do_not_replay_a_hundred_times(people, settings):
    settings.REALTIME_SUBSCRIBE_RATE = 5
    await history(people, 12)
    ws = await connect(people.other_member)
    for _ in range(100):
        await ws.send_json_to({"type": "subscribe", "space": "rma", "after": 0})
    await ws.send_json_to({"type": "ping"})
    sent = Counter(received["type"] for received in await until(ws, "pong", wait=10))
    # Five replays of the twelve events, and a refusal for each of the 95 others.
    assert (sent["subscribed"], sent["event"], sent["error"]) == (5, 5 * 12, 95)
    await ws.disconnect()


async def test_the_refusal_says_why_and_the_connection_keeps_working(people, settings):
    settings.REALTIME_SUBSCRIBE_RATE = 1
    ws = await connect(people.member)
    await ws.send_json_to({"type": "subscribe", "space": "rma"})
    assert (await frame(ws))["type"] == "subscribed"
    await ws.send_json_to({"type": "unsubscribe", "space": "rma"})
    refused = await frame(ws)
    assert (refused["type"], refused["code"], refused["space"]) == ("error", "rate_limited", "rma")
    assert "au plus 1 par minute" in refused["message"]
    await ws.send_json_to({"type": "ping"})
    assert await frame(ws) == {"type": "pong"}
    await ws.disconnect()


async def test_a_replay_beyond_the_bound_answers_resync(people, settings):
    settings.REALTIME_MAX_REPLAY = 5
    await history(people, 8)
    ws = await connect(people.other_member)
    await ws.send_json_to({"type": "subscribe", "space": "rma", "after": 0})
    assert await frame(ws) == {"type": "resync", "space": "rma", "reason": "too_far",
                               "head": 8}
    await ws.send_json_to({"type": "subscribe", "space": "rma", "after": 3})
    assert await frame(ws) == {"type": "subscribed", "space": "rma", "head": 8}
    assert [(await frame(ws))["seq"] for _ in range(5)] == [4, 5, 6, 7, 8]
    await ws.disconnect()


def test_the_bounds_are_on_by_default():
    from django.conf import settings

    assert (settings.REALTIME_SUBSCRIBE_RATE, settings.REALTIME_MAX_REPLAY) == (20, 1000)
