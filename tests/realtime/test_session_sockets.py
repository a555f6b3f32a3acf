"""A browser's websocket is signed in by its session cookie the way its pages are: the session
must still carry the person's current auth hash, and the person must be active."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from collab.routing import websocket_application
from communities.models import User
from realtime.hub import stop_hub
from tests.realtime.ws_helper import frame

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


@pytest.fixture(autouse=True)
async def _fresh_hub():
    yield
    await stop_hub()
    await sync_to_async(connections.close_all)()


@sync_to_async
def session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def opens(session_key: str) -> WebsocketCommunicator | None:
    ws = WebsocketCommunicator(websocket_application, "/ws/", headers=[
        (b"cookie", f"csrftoken=x; sessionid={session_key}".encode()), ORIGIN])
    connected, _ = await ws.connect()
    return ws if connected else None


async def test_a_live_session_opens_a_socket_that_knows_whose_it_is(people):
    ws = await opens(await session_of(people.member))
    assert ws is not None
    await ws.send_json_to({"type": "subscribe", "space": "rma"})
    assert (await frame(ws))["type"] == "subscribed"
    await ws.disconnect()


async def test_a_session_from_before_a_password_change_opens_nothing(people):
    key = await session_of(people.member)

    @sync_to_async
    def change_password() -> None:
        user = User.objects.get(pk=people.member.pk)
        user.set_password("un-tout-nouveau-secret-2027")
        user.save()

    await change_password()
    assert await opens(key) is None


async def test_an_unknown_session_or_a_deactivated_person_opens_nothing(people):
    assert await opens("pas-une-session") is None
    key = await session_of(people.other_member)
    await sync_to_async(User.objects.filter(pk=people.other_member.pk).update)(is_active=False)
    assert await opens(key) is None
