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


def apply_presence(online: dict[int, dict], hint: dict) -> dict[int, dict]:
    """A ``presence`` hint applied to the online list a client holds (id -> person), as
    presence.js does: ``online`` replaces the list, ``joined`` and ``left`` change it."""
    if "online" in hint:
        return {person["id"]: person for person in hint["online"]}
    online = dict(online)
    for pid in hint["left"]:
        online.pop(pid, None)
    for person in hint["joined"]:
        online[person["id"]] = person
    return online


class OnlineList:
    """What a client shows as online, kept from the presence hints it receives (other frames
    are skipped)."""

    def __init__(self, communicator) -> None:
        self.communicator = communicator
        self.people: dict[int, dict] = {}
        self.hints: list[dict] = []

    def names(self, key: str = "display_name") -> list[str]:
        return sorted(person[key] for person in self.people.values())

    async def until(self, expected: list[str], wait: float = 3.0,
                    key: str = "display_name") -> list[str]:
        """Read hints until the list shows exactly ``expected`` (sorted names)."""
        while self.names(key) != sorted(expected):
            received = await frame(self.communicator, wait, hints=True)
            if received["type"] == "presence":
                self.hints.append(received)
                self.people = apply_presence(self.people, received)
        return self.names(key)
