"""The online list and typing hints tell namesakes of a space apart with the same label as the
pages: a twin without organisation shows their member number, never their email."""

from __future__ import annotations

import json

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from communities.services.discussion import start_thread
from realtime.hub import stop_hub
from tests.communities.test_namesakes import twin_of
from tests.realtime.ws_helper import OnlineList, connect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def _fresh_hub():
    yield
    await stop_hub()
    await sync_to_async(connections.close_all)()


async def next_hint(ws, kind: str) -> dict:
    while True:
        received = json.loads(await ws.receive_from(timeout=3))
        if received["type"] == kind:
            return received


async def test_two_marcs_online_are_told_apart(people):
    twin = await sync_to_async(twin_of)(people)
    thread = (await sync_to_async(start_thread)(actor=people.member, space=people.space,
                                                title="Parcs", body="Vos exemples ?")).thread
    noemie, marc, other = (await connect(people.other_member), await connect(people.member),
                           await connect(twin))
    for ws in (noemie, marc, other):
        await ws.send_json_to({"type": "subscribe", "space": "rma"})
    online = OnlineList(noemie)
    assert await online.until([
        "Marc Membre (Ville de Laval)", f"Marc Membre (membre n° {twin.pk})", "Noémie Membre"],
        key="label")
    await other.send_json_to({"type": "typing", "space": "rma", "thread": thread.pk})
    typing = await next_hint(noemie, "typing")
    assert typing["user"]["label"] == f"Marc Membre (membre n° {twin.pk})"
    for ws in (noemie, marc, other):
        await ws.disconnect()
