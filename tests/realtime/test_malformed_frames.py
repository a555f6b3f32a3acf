"""Frames no client should send: each gets its documented error and the connection stays
usable; a handler that fails anyway ends its connection cleanly, leaving no ghost online."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from realtime import store
from realtime.hub import get_hub, stop_hub
from tests.realtime.ws_helper import OnlineList, connect, frame, still_usable

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def _fresh_hub():
    yield
    await stop_hub()
    await sync_to_async(connections.close_all)()


DEEP = "[" * 20_000 + "]" * 20_000  # under 64 KiB, deeper than any parser recursion limit


@pytest.mark.parametrize(("sent", "code"), [
    ('{"type": {}}', "bad_frame"),
    ('{"type": [1]}', "bad_frame"),
    ('{"space": "rma"}', "bad_frame"),
    ('{"type": "subscribe", "space": "\\ud800"}', "bad_frame"),
    ('{"type": "unsubscribe", "space": "x\\udfffy"}', "bad_frame"),
    ('{"type": "subscribe", "space": "rma\\u0000"}', "bad_frame"),
    (DEEP, "bad_json"),
    ('{"type": "ping", "x": ' + DEEP + "}", "bad_json"),
])
async def test_a_malformed_frame_gets_its_error_and_the_connection_stays_usable(
        people, sent, code):
    assert len(sent.encode()) < 64 * 1024
    ws = await connect(people.member)
    await ws.send_to(text_data=sent)
    error = await frame(ws)
    assert (error["type"], error["code"]) == ("error", code)
    assert error["message"]
    assert "space" not in error  # nothing unreadable is echoed back
    assert await still_usable(ws)
    await ws.disconnect()


@pytest.mark.postgres
async def test_a_nul_in_a_space_slug_is_refused_on_postgresql(people):
    from django.db import connection

    assert connection.vendor == "postgresql"
    ws = await connect(people.member)
    await ws.send_to(text_data='{"type": "subscribe", "space": "r\\u0000ma", "after": 0}')
    error = await frame(ws)
    assert (error["type"], error["code"]) == ("error", "bad_frame")
    assert await still_usable(ws)
    await ws.disconnect()


async def test_a_handler_that_fails_ends_its_connection_and_its_presence(people, monkeypatch,
                                                                         caplog):
    hub = await get_hub()
    noemie = await connect(people.other_member)
    await noemie.send_json_to({"type": "subscribe", "space": "rma"})
    marc = await connect(people.member)
    await marc.send_json_to({"type": "subscribe", "space": "rma"})
    online = OnlineList(noemie)
    assert await online.until(["Marc Membre", "Noémie Membre"])

    async def broken(*args, **kwargs):
        raise RuntimeError("the database went away mid-frame")

    monkeypatch.setattr(store, "space_access", broken)
    await marc.send_json_to({"type": "subscribe", "space": "autre"})
    closed = await marc.receive_output(timeout=3)
    while closed["type"] == "websocket.send":  # its subscription's frames
        closed = await marc.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": 1011}
    # The others see the person leave at once, not when a heartbeat times out.
    assert await online.until(["Noémie Membre"])
    assert {link.user_id for link in hub.links} == {people.other_member.pk}
    assert "the database went away mid-frame" in caplog.text
    await noemie.disconnect()
    assert not hub.links and not hub.streams



