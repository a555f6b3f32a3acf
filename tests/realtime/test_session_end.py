"""Live connections end with the session or token that opened them: after a password change
or "sign out everywhere", every other browser's websocket and every websocket opened with an
API token is told and closed within two seconds (the hub's audit tick)."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from collab.routing import websocket_application
from realtime.hub import stop_hub

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1:8000")
PASSWORD = "mot-de-passe-solide-42"
NEW_PASSWORD = "un-tout-nouveau-secret-2027"


@pytest.fixture(autouse=True)
async def _fresh_hub():
    yield
    await stop_hub()
    await sync_to_async(connections.close_all)()


async def signed_in(user) -> Client:
    def login() -> Client:
        client = Client()
        client.force_login(user)
        return client

    return await sync_to_async(login)()


async def browser_socket(client: Client) -> WebsocketCommunicator:
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    ws = WebsocketCommunicator(websocket_application, "/ws/",
                               headers=[(b"cookie", cookie), ORIGIN])
    assert (await ws.connect())[0]
    return ws


async def token_socket(email: str) -> tuple[WebsocketCommunicator, str]:
    def ticket() -> tuple[str, str]:
        token = Client().post("/api/v1/auth/token",
                              json.dumps({"email": email, "password": PASSWORD}),
                              content_type="application/json").json()["token"]
        answer = Client(headers={"authorization": f"Bearer {token}"}).post(
            "/api/v1/realtime/ticket")
        return token, answer.json()["ticket"]

    token, raw = await sync_to_async(ticket)()
    ws = WebsocketCommunicator(websocket_application, f"/ws/?ticket={raw}")
    assert (await ws.connect())[0]
    return ws, token


async def subscribed(ws: WebsocketCommunicator) -> None:
    await ws.send_json_to({"type": "subscribe", "space": "rma"})
    while json.loads(await ws.receive_from(timeout=3))["type"] != "subscribed":
        pass


async def ended_within(ws: WebsocketCommunicator, seconds: float, started: float) -> float:
    """Wait for the ``unauthenticated`` error and the close; return how long it took."""
    loop = asyncio.get_running_loop()
    while True:
        left = started + seconds - loop.time()
        assert left > 0, "still open"
        received = json.loads(await ws.receive_from(timeout=left))
        if received.get("type") == "error":
            assert received["code"] == "unauthenticated"
            break
    closed = await ws.receive_output(timeout=max(started + seconds - loop.time(), 0.01))
    assert closed == {"type": "websocket.close", "code": 4001}
    return loop.time() - started


async def still_open(ws: WebsocketCommunicator, wait: float) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while (left := deadline - loop.time()) > 0:
        if await ws.receive_nothing(timeout=left):
            return True
        if json.loads(await ws.receive_from()).get("type") == "error":
            return False
    return True


def change_password(client: Client) -> int:
    return client.post("/compte/mot-de-passe/", {
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD}).status_code


async def test_a_password_change_closes_the_other_sessions_socket_within_2s(people, settings):
    assert settings.REALTIME_AUDIT_SECONDS <= 1
    elsewhere, here = await signed_in(people.member), await signed_in(people.member)
    old = await browser_socket(elsewhere)
    witness = await browser_socket(await signed_in(people.other_member))
    for ws in (old, witness):
        await subscribed(ws)
    started = asyncio.get_running_loop().time()
    assert await sync_to_async(change_password)(here) == 302
    took = await ended_within(old, 2, started)
    print(f"old session's socket closed {took:.2f} s after the password change")
    assert await still_open(witness, 0.2)
    await witness.disconnect()


async def test_a_password_change_closes_sockets_opened_with_api_tokens_within_2s(people):
    ws, _ = await token_socket(people.member.email)
    await subscribed(ws)
    here = await signed_in(people.member)
    started = asyncio.get_running_loop().time()
    assert await sync_to_async(change_password)(here) == 302
    took = await ended_within(ws, 2, started)
    print(f"token socket closed {took:.2f} s after the password change")


async def test_revoking_a_token_closes_its_socket_and_only_its_own(people):
    from communities.models import ApiToken
    from communities.services.accounts import revoke_api_token

    revoked, _ = await token_socket(people.member.email)
    kept, _ = await token_socket(people.member.email)
    for ws in (revoked, kept):
        await subscribed(ws)
    first = await sync_to_async(lambda: ApiToken.objects.order_by("pk").values_list(
        "pk", flat=True)[0])()
    started = asyncio.get_running_loop().time()
    await sync_to_async(revoke_api_token)(user=people.member, token_id=first)
    await ended_within(revoked, 2, started)
    assert await still_open(kept, 0.2)
    await kept.disconnect()


async def test_sign_out_everywhere_keeps_this_browsers_socket(people):
    elsewhere, here = await signed_in(people.member), await signed_in(people.member)
    other, mine = await browser_socket(elsewhere), await browser_socket(here)
    for ws in (other, mine):
        await subscribed(ws)
    started = asyncio.get_running_loop().time()
    answer = await sync_to_async(here.post)("/compte/deconnexion-partout/")
    assert answer.status_code == 302
    await ended_within(other, 2, started)
    assert await still_open(mine, 0.2)
    await mine.disconnect()
