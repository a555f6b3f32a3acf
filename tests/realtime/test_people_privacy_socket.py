"""Law 25 on the live side: an outsider cannot subscribe to a member's space, so no presence
list, typing hint or event frame with a member's name ever reaches them."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from communities.services.discussion import start_thread
from realtime.hub import stop_hub
from tests.realtime.ws_helper import connect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def _fresh_hub():
    yield
    await stop_hub()
    await sync_to_async(connections.close_all)()


async def test_an_outsider_gets_no_presence_name_or_event_of_a_member(people):
    marc = await connect(people.member)
    await marc.send_json_to({"type": "subscribe", "space": "rma"})
    outsider = await connect(people.outsider)
    await outsider.send_json_to({"type": "subscribe", "space": "rma", "after": 0})
    refused = json.loads(await outsider.receive_from(timeout=3))
    assert (refused["type"], refused["code"]) == ("error", "not_found")
    thread = (await sync_to_async(start_thread)(actor=people.member, space=people.space,
                                                title="Parcs", body="Vos exemples ?")).thread
    await marc.send_json_to({"type": "typing", "space": "rma", "thread": thread.pk})
    received: list[str] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 1.5
    while (left := deadline - loop.time()) > 0:
        if await outsider.receive_nothing(timeout=left):
            break
        received.append(await outsider.receive_from())
    assert not any("Marc" in text or "Laval" in text for text in received), received
    await marc.disconnect()
    await outsider.disconnect()
