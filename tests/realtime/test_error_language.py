"""Error frames speak the person's language. They are translated where they are sent, not by
activating the language around every frame the connection receives: that left a copy of the
translation state in each idle connection's context."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.db import connections
from django.test import override_settings

from realtime.hub import stop_hub
from tests.realtime.ws_helper import connect, frame

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def _fresh_hub():
    yield
    await stop_hub()
    await sync_to_async(connections.close_all)()


async def test_errors_come_in_the_persons_language(people):
    member = people.member
    member.language = "en"
    await sync_to_async(member.save)(update_fields=["language"])
    communicator = await connect(member)
    try:
        await communicator.send_json_to({"type": "dance"})
        assert (await frame(communicator))["message"] == "Unknown frame type."
        with override_settings(REALTIME_SUBSCRIBE_RATE=1):
            await communicator.send_json_to({"type": "subscribe", "space": "rma"})
            await frame(communicator)
            await communicator.send_json_to({"type": "subscribe", "space": "rma"})
            limited = await frame(communicator)
        assert limited["code"] == "rate_limited"
        assert "1" in limited["message"] and "Trop" not in limited["message"]
    finally:
        await communicator.disconnect()


async def test_french_is_the_default(people):
    communicator = await connect(people.other_member)
    try:
        await communicator.send_json_to({"type": "dance"})
        assert (await frame(communicator))["message"] == "Type de trame inconnu."
    finally:
        await communicator.disconnect()
