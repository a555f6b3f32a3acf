"""Small clients for end-to-end tests: the JSON API over HTTP and the real-time protocol over
a websocket. Every wait has a deadline, so a missing frame fails the test instead of hanging.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from tests.servers import ServerProcess

PASSWORD = "mot-de-passe-solide-42"
WAIT = 5.0  # seconds any single expected frame may take


@cache
def server_password_hash() -> str:
    """A hash the server processes accept. The test settings hash with MD5 for speed, which
    the servers (default PASSWORD_HASHERS) do not know; computed once per session."""
    hasher = PBKDF2PasswordHasher()
    return hasher.encode(PASSWORD, hasher.salt())


@dataclass(frozen=True)
class Api:
    """One person's bearer token, used against one server process."""

    server: ServerProcess
    token: str

    @classmethod
    async def login(cls, server: ServerProcess, email: str) -> Api:
        answer = await asyncio.to_thread(
            requests.post, f"{server.http}/api/v1/auth/token",
            json={"email": email, "password": PASSWORD}, timeout=10,
        )
        assert answer.status_code == 200, answer.text
        return cls(server, answer.json()["token"])

    def on(self, server: ServerProcess) -> Api:
        """The same person talking to another process."""
        return Api(server, self.token)

    async def _post(self, path: str, payload: dict[str, Any] | None = None,
                    expect: int = 201) -> dict[str, Any]:
        answer = await asyncio.to_thread(
            requests.post, f"{self.server.http}/api/v1{path}", json=payload or {},
            headers={"Authorization": f"Bearer {self.token}"}, timeout=10,
        )
        assert answer.status_code == expect, (answer.status_code, answer.text)
        result: dict[str, Any] = answer.json()
        return result

    async def ticket(self) -> str:
        return str((await self._post("/realtime/ticket", expect=200))["ticket"])

    async def start_thread(self, space: str, title: str, body: str) -> dict[str, Any]:
        return await self._post(f"/spaces/{space}/threads",
                                {"title": title, "body": body, "client_id": uuid.uuid4().hex})

    async def post(self, thread_id: int, body: str) -> dict[str, Any]:
        return await self._post(f"/threads/{thread_id}/messages",
                                {"body": body, "client_id": uuid.uuid4().hex})


EPHEMERAL = frozenset({"presence", "typing"})


def _origin(value: str | None) -> Origin | None:
    return Origin(value) if value is not None else None


def posted(answer: dict[str, Any]) -> tuple[int, str, str]:
    """(seq, kind, body) of what an API post answered."""
    kind = "thread.created" if "thread" in answer else "message.created"
    return answer["seq"], kind, answer["message"]["body"]


def received(event: dict[str, Any]) -> tuple[int, str, str]:
    """(seq, kind, body) of a message event frame, comparable with ``posted``."""
    return event["seq"], event["kind"], event["data"]["message"]["body"]


class Subscriber:
    """One websocket speaking the real-time protocol."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    @classmethod
    @asynccontextmanager
    async def connect(cls, server: ServerProcess, api: Api,
                      origin: str | None = None) -> AsyncIterator[Subscriber]:
        ticket = await api.on(server).ticket()
        async with connect(f"{server.ws}?ticket={ticket}", origin=_origin(origin),
                           open_timeout=WAIT, close_timeout=1, max_queue=None) as ws:
            yield cls(ws)

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(frame))

    async def frame(self, within: float = WAIT) -> dict[str, Any]:
        """The next frame that is not an ephemeral hint (presence, typing): these tests are
        about the event guarantee; hints have tests of their own."""
        deadline = time.monotonic() + within
        while True:
            left = max(deadline - time.monotonic(), 0.001)
            result: dict[str, Any] = json.loads(await asyncio.wait_for(self.ws.recv(), left))
            if result.get("type") not in EPHEMERAL:
                return result

    async def subscribe(self, space: str, after: int | None = None) -> dict[str, Any]:
        """Subscribe and return the ``subscribed`` frame (its ``head`` in particular)."""
        await self.send({"type": "subscribe", "space": space, "after": after})
        answer = await self.frame()
        assert answer["type"] == "subscribed", answer
        return answer

    async def events_through(self, seq: int, within: float = WAIT) -> list[dict[str, Any]]:
        """Every frame up to the event numbered ``seq``; all must be event frames."""
        deadline = time.monotonic() + within
        frames: list[dict[str, Any]] = []
        while not frames or frames[-1]["seq"] < seq:
            left = deadline - time.monotonic()
            try:
                frame = await self.frame(within=max(left, 0.01))
            except TimeoutError:
                raise AssertionError(
                    f"event {seq} not received within {within}s; got {frames}") from None
            assert frame["type"] == "event", (frame, frames)
            frames.append(frame)
        return frames

    async def silence(self, seconds: float) -> list[dict[str, Any]]:
        """Whatever arrives within ``seconds`` (an empty list when nothing does)."""
        deadline = time.monotonic() + seconds
        frames: list[dict[str, Any]] = []
        while (left := deadline - time.monotonic()) > 0:
            try:
                frames.append(await self.frame(within=left))
            except TimeoutError:
                break
        return frames


async def late_frames(clients: list[Subscriber], seconds: float = 0.7) -> list[dict[str, Any]]:
    """Whatever any of ``clients`` receives within ``seconds``: longer than an audit tick (0.5
    s), so an event delivered twice, late, would show."""
    per_client = await asyncio.gather(*(client.silence(seconds) for client in clients))
    return [frame for frames in per_client for frame in frames]


async def refusal(server: ServerProcess, ticket: str, origin: str | None = None) -> int | None:
    """The HTTP status a websocket handshake was refused with, or None if it was accepted."""
    try:
        async with connect(f"{server.ws}?ticket={ticket}", origin=_origin(origin),
                           open_timeout=WAIT, close_timeout=1) as ws:
            await ws.send(json.dumps({"type": "ping"}))
            assert json.loads(await asyncio.wait_for(ws.recv(), WAIT)) == {"type": "pong"}
            return None
    except InvalidStatus as refused:
        return refused.response.status_code
