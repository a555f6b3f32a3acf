"""The real-time protocol over channels' WebsocketCommunicator (docs/realtime-protocol.md)."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from collab.routing import websocket_application
from communities.services.discussion import post_message, start_thread
from realtime.hub import stop_hub

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


@pytest.fixture(autouse=True)
async def _fresh_hub():
    yield
    await stop_hub()


async def ticket_for(user) -> str:
    from communities.services.accounts import issue_realtime_ticket

    ticket, _ = await sync_to_async(issue_realtime_ticket)(user=user)
    return ticket


async def connect(user, *, headers=None) -> WebsocketCommunicator:
    ticket = await ticket_for(user)
    communicator = WebsocketCommunicator(websocket_application, f"/ws/?ticket={ticket}",
                                         headers=headers or [])
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def frame(communicator, wait: float = 3.0) -> dict:
    return json.loads(await communicator.receive_from(timeout=wait))


async def post(people, body: str, thread=None):
    if thread is None:
        return await sync_to_async(start_thread)(actor=people.member, space=people.space,
                                                 title="Fil", body=body)
    return await sync_to_async(post_message)(actor=people.member, thread=thread, body=body)


async def test_replay_then_live_without_gap(people):
    first = await post(people, "un")
    for text in ["deux", "trois"]:
        await post(people, text, first.thread)
    ws = await connect(people.other_member)
    await ws.send_json_to({"type": "subscribe", "space": "rma", "after": 1})
    assert await frame(ws) == {"type": "subscribed", "space": "rma", "head": 3}
    replayed = [await frame(ws), await frame(ws)]
    assert [f["seq"] for f in replayed] == [2, 3]
    await post(people, "quatre", first.thread)
    live = await frame(ws)
    assert (live["seq"], live["kind"], live["data"]["message"]["body"]) == (
        4, "message.created", "quatre")
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()
