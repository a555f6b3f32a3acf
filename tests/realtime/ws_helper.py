"""Connecting to the websocket endpoint in-process (channels' WebsocketCommunicator) and
reading its frames, for the realtime tests of this folder."""

from __future__ import annotations

import json

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from collab.routing import websocket_application

EPHEMERAL = frozenset({"presence", "typing"})


async def connect(user) -> WebsocketCommunicator:
    from communities.services.accounts import issue_realtime_ticket

    ticket, _ = await sync_to_async(issue_realtime_ticket)(user=user)
    communicator = WebsocketCommunicator(websocket_application, f"/ws/?ticket={ticket}")
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    return communicator


async def frame(communicator, wait: float = 3.0, *, hints: bool = False) -> dict:
    """The next frame; presence and typing hints are skipped unless ``hints``."""
    while True:
        received = json.loads(await communicator.receive_from(timeout=wait))
        if hints or received.get("type") not in EPHEMERAL:
            return received


async def until(communicator, kind: str, wait: float = 3.0) -> list[dict]:
    """Every frame up to and including the first of type ``kind``."""
    seen = []
    while True:
        seen.append(json.loads(await communicator.receive_from(timeout=wait)))
        if seen[-1]["type"] == kind:
            return seen


async def still_usable(communicator) -> bool:
    """The connection answers a ping (frames already on the way are skipped)."""
    await communicator.send_json_to({"type": "ping"})
    return bool(await until(communicator, "pong"))
