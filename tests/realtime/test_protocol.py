"""The real-time protocol over channels' WebsocketCommunicator (docs/realtime-protocol.md)."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.utils import timezone

from collab.routing import websocket_application
from communities.services.discussion import post_message, start_thread
from realtime.hub import stop_hub
from tests.clients import client_for
from tests.queries import count_queries
from tests.realtime.ws_helper import OnlineList

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


@pytest.fixture(autouse=True)
async def _fresh_hub():
    yield
    await stop_hub()
    # The hub read through the shared database thread; close its connection so the test
    # database can be dropped.
    await sync_to_async(connections.close_all)()


async def no_event(communicator, wait: float) -> bool:
    """True when nothing but presence or typing hints arrives within ``wait`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while (left := deadline - loop.time()) > 0:
        if await communicator.receive_nothing(timeout=left):
            return True
        received = json.loads(await communicator.receive_from())
        if received.get("type") not in EPHEMERAL:
            return False
    return True


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


EPHEMERAL = frozenset({"presence", "typing"})


async def frame(communicator, wait: float = 3.0, *, hints: bool = False) -> dict:
    """The next frame; presence and typing hints are skipped unless ``hints``."""
    while True:
        received = json.loads(await communicator.receive_from(timeout=wait))
        if hints or received.get("type") not in EPHEMERAL:
            return received


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
    assert await no_event(ws, 0.3)
    await ws.disconnect()


async def session_headers(user, origin: bytes = b"http://127.0.0.1:8000") -> list:
    def login() -> str:
        return client_for(user).cookies["sessionid"].value

    key = await sync_to_async(login)()
    return [(b"cookie", f"sessionid={key}".encode()), (b"origin", origin)]


async def test_without_after_only_new_events_arrive(people):
    await post(people, "avant")
    ws = await connect(people.member)
    await ws.send_json_to({"type": "subscribe", "space": "rma"})
    assert (await frame(ws))["head"] == 1
    await post(people, "après")
    assert (await frame(ws))["seq"] == 2
    await ws.disconnect()


async def test_resume_after_disconnect_gets_exactly_what_was_missed(people):
    thread = (await post(people, "un")).thread
    ws = await connect(people.other_member)
    await ws.send_json_to({"type": "subscribe", "space": "rma", "after": 0})
    await frame(ws)
    last_seen = (await frame(ws))["seq"]
    await ws.disconnect()
    for text in ["deux", "trois"]:
        await post(people, text, thread)
    ws = await connect(people.other_member)
    await ws.send_json_to({"type": "subscribe", "space": "rma", "after": last_seen})
    assert (await frame(ws))["head"] == 3
    assert [(await frame(ws))["seq"] for _ in range(2)] == [2, 3]
    assert await no_event(ws, 0.2)
    await ws.disconnect()


async def test_events_published_during_replay_are_neither_lost_nor_doubled(people):
    thread = (await post(people, "0")).thread
    for i in range(1, 60):
        await post(people, str(i), thread)
    ws = await connect(people.other_member)
    await ws.send_json_to({"type": "subscribe", "space": "rma", "after": 0})
    writer = asyncio.ensure_future(
        asyncio.gather(*[post(people, f"live {i}", thread) for i in range(20)])
    )
    head = (await frame(ws))["head"]
    seqs = [(await frame(ws))["seq"] for _ in range(80)]
    await writer
    assert head >= 60
    assert seqs == list(range(1, 81))
    assert await no_event(ws, 0.3)
    await ws.disconnect()


async def test_a_lost_notification_is_filled_from_the_log(people, monkeypatch):
    from realtime import publish

    thread = (await post(people, "un")).thread
    ws = await connect(people.member)
    await ws.send_json_to({"type": "subscribe", "space": "rma"})
    await frame(ws)
    real = publish.publish_event
    monkeypatch.setattr(publish, "publish_event", lambda event, stream_label: None)
    await post(people, "perdu", thread)
    monkeypatch.setattr(publish, "publish_event", real)
    await post(people, "suivant", thread)
    frames = [await frame(ws), await frame(ws)]
    assert [(f["seq"], f["data"]["message"]["body"]) for f in frames] == [
        (2, "perdu"), (3, "suivant")]
    await ws.disconnect()


async def test_with_no_notification_at_all_the_audit_delivers(people, monkeypatch, settings):
    from realtime import publish

    settings.REALTIME_AUDIT_SECONDS = 0.2
    thread = (await post(people, "un")).thread
    ws = await connect(people.member)
    await ws.send_json_to({"type": "subscribe", "space": "rma"})
    await frame(ws)
    monkeypatch.setattr(publish, "publish_event", lambda event, stream_label: None)
    await post(people, "sans Redis", thread)
    assert (await frame(ws, wait=2))["data"]["message"]["body"] == "sans Redis"
    await ws.disconnect()


async def test_a_pruned_position_gets_resync(people):
    from communities.models import Space

    await post(people, "un")
    await sync_to_async(Space.objects.filter(pk=people.space.pk).update)(event_floor=1)
    ws = await connect(people.member)
    await ws.send_json_to({"type": "subscribe", "space": "rma", "after": 0})
    assert await frame(ws) == {"type": "resync", "space": "rma", "reason": "pruned", "head": 1}
    await ws.disconnect()


async def test_a_private_space_answers_an_outsider_exactly_like_an_unknown_slug(people):
    """Otherwise anyone signed in could probe which private spaces exist."""
    ws = await connect(people.outsider)
    await ws.send_json_to({"type": "subscribe", "space": "rma", "after": 0})
    private = await frame(ws)
    await ws.send_json_to({"type": "subscribe", "space": "nulle-part", "after": 0})
    unknown = await frame(ws)
    assert (private["type"], private["code"], private["space"]) == ("error", "not_found", "rma")
    assert "n'existe pas ou ne vous est pas accessible" in private["message"]
    # Identical but for the slug the client sent, which is echoed back.
    assert {**private, "space": "nulle-part"} == unknown
    await ws.send_json_to({"type": "unsubscribe", "space": "rma"})
    assert {**await frame(ws), "space": "nulle-part"} == unknown
    await ws.disconnect()


def test_access_to_a_space_is_one_query_whether_it_exists_or_not(people):
    from realtime import store

    read = store.space_access.func  # type: ignore[attr-defined]  # the plain function
    for user, slug, expected in [
        (people.outsider, "rma", None),
        (people.outsider, "nulle-part", None),
        (people.member, "rma", ("space", people.space.pk)),
        (people.staff, "rma", ("space", people.space.pk)),
    ]:
        with count_queries(exactly=1):
            access = read(user.pk, slug)
        assert (access and access.key) == expected


@pytest.mark.parametrize(("sent", "code"), [
    ("{pas du json", "bad_json"),
    ('["subscribe"]', "bad_frame"),
    ('{"type": "danse"}', "unknown_type"),
    ('{"type": "subscribe", "space": "rma", "after": -3}', "bad_frame"),
    ('{"type": "subscribe", "space": "rma", "after": "12"}', "bad_frame"),
    ('{"type": "subscribe"}', "bad_frame"),
    ('{"type": "ping", "x": "' + "a" * 70_000 + '"}', "too_large"),
])
async def test_bad_frames_get_an_error_and_the_connection_stays_usable(people, sent, code):
    ws = await connect(people.member)
    await ws.send_to(text_data=sent)
    error = await frame(ws)
    assert (error["type"], error["code"]) == ("error", code)
    assert error["message"]
    await ws.send_json_to({"type": "ping"})
    assert await frame(ws) == {"type": "pong"}
    await ws.disconnect()


async def test_the_personal_stream_carries_my_own_notices(people):
    from communities.services.spaces import remove_member

    ws = await connect(people.member)
    await ws.send_json_to({"type": "subscribe", "space": "@me", "after": 0})
    assert (await frame(ws))["type"] == "subscribed"
    await sync_to_async(remove_member)(actor=people.facilitator, space=people.space,
                                       member=people.member)
    notice = await frame(ws)
    assert (notice["space"], notice["kind"], notice["data"]) == (
        "@me", "membership.ended", {"space": "rma", "reason": "removed"})
    await ws.disconnect()


# --- revocation -----------------------------------------------------------------------------
async def test_a_removed_member_sees_the_removal_then_loses_the_stream(people):
    from communities.services.spaces import remove_member

    ws = await connect(people.member)
    await ws.send_json_to({"type": "subscribe", "space": "rma"})
    await frame(ws)
    started = asyncio.get_running_loop().time()
    await sync_to_async(remove_member)(actor=people.facilitator, space=people.space,
                                       member=people.member)
    removal = await frame(ws)
    ended = await frame(ws)
    assert removal["kind"] == "member.removed"
    assert (ended["type"], ended["code"], ended["space"]) == ("error", "forbidden", "rma")
    assert asyncio.get_running_loop().time() - started < 2
    await post(people.__class__(**{**people.__dict__, "member": people.other_member}), "après")
    assert await no_event(ws, 0.5)
    # From now on the space answers them as it answers anyone outside it.
    await ws.send_json_to({"type": "subscribe", "space": "rma", "after": 0})
    again = await frame(ws)
    assert (again["type"], again["code"], again["space"]) == ("error", "not_found", "rma")
    await ws.disconnect()


async def test_membership_lost_without_notification_ends_the_stream_within_2s(people, settings):
    from communities.models import Membership

    ws = await connect(people.member)
    await ws.send_json_to({"type": "subscribe", "space": "rma"})
    await frame(ws)
    started = asyncio.get_running_loop().time()
    # As if the removal's notification was lost: only the database knows.
    await sync_to_async(Membership.objects.filter(user=people.member).delete)()
    ended = await frame(ws, wait=2)
    assert (ended["code"], ended["space"]) == ("forbidden", "rma")
    assert asyncio.get_running_loop().time() - started < 2
    await ws.disconnect()


async def test_signing_out_closes_the_browser_connection_within_2s(people):
    from django.contrib.sessions.models import Session

    ws = WebsocketCommunicator(websocket_application, "/ws/",
                               headers=await session_headers(people.member))
    assert (await ws.connect())[0]
    await ws.send_json_to({"type": "subscribe", "space": "rma"})
    await frame(ws)
    started = asyncio.get_running_loop().time()
    await sync_to_async(Session.objects.all().delete)()
    assert (await frame(ws, wait=2))["code"] == "unauthenticated"
    closed = await ws.receive_output(timeout=2)
    assert closed == {"type": "websocket.close", "code": 4001}
    assert asyncio.get_running_loop().time() - started < 2


async def test_deactivating_an_account_closes_its_connections_within_2s(people):
    from communities.services.accounts import deactivate_user

    ws = await connect(people.member)
    await ws.send_json_to({"type": "subscribe", "space": "rma"})
    await frame(ws)
    started = asyncio.get_running_loop().time()
    await sync_to_async(deactivate_user)(actor=people.staff, user=people.member)
    assert (await frame(ws, wait=2))["code"] == "unauthenticated"
    assert (await ws.receive_output(timeout=2))["type"] == "websocket.close"
    assert asyncio.get_running_loop().time() - started < 2


# --- who may connect ------------------------------------------------------------------------
async def test_a_browser_session_needs_our_origin(people):
    for origin in [b"https://evil.example", b"null"]:
        ws = WebsocketCommunicator(websocket_application, "/ws/",
                                   headers=await session_headers(people.member, origin))
        assert not (await ws.connect())[0]
    headers = [h for h in await session_headers(people.member) if h[0] != b"origin"]
    ws = WebsocketCommunicator(websocket_application, "/ws/", headers=headers)
    assert not (await ws.connect())[0]
    ws = WebsocketCommunicator(websocket_application, "/ws/",
                               headers=await session_headers(people.member))
    assert (await ws.connect())[0]
    await ws.disconnect()


async def test_anonymous_browsers_are_refused(people):
    ws = WebsocketCommunicator(websocket_application, "/ws/", headers=[ORIGIN])
    connected, _code = await ws.connect()
    assert not connected


async def test_a_ticket_works_once_and_never_with_a_foreign_origin(people):
    ticket = await ticket_for(people.member)
    foreign = WebsocketCommunicator(websocket_application, f"/ws/?ticket={ticket}",
                                    headers=[(b"origin", b"https://evil.example")])
    assert not (await foreign.connect())[0]
    first = WebsocketCommunicator(websocket_application, f"/ws/?ticket={ticket}")
    assert (await first.connect())[0]
    again = WebsocketCommunicator(websocket_application, f"/ws/?ticket={ticket}")
    assert not (await again.connect())[0]
    await first.disconnect()


async def test_an_expired_ticket_is_refused(people):
    from communities.models import RealtimeTicket

    ticket = await ticket_for(people.member)
    await sync_to_async(RealtimeTicket.objects.update)(expires_at=timezone.now())
    ws = WebsocketCommunicator(websocket_application, f"/ws/?ticket={ticket}")
    assert not (await ws.connect())[0]


# --- presence and typing: live hints, never in the log ------------------------------------
async def next_hint(ws, kind: str, wait: float = 3.0) -> dict:
    while True:
        received = await frame(ws, wait, hints=True)
        if received["type"] == kind:
            return received


async def test_who_is_online_appears_and_disappears(people):
    marc = await connect(people.member)
    await marc.send_json_to({"type": "subscribe", "space": "rma"})
    seen_by_marc = OnlineList(marc)
    assert await seen_by_marc.until(["Marc Membre"])
    assert "online" in seen_by_marc.hints[0]
    noemie = await connect(people.other_member)
    await noemie.send_json_to({"type": "subscribe", "space": "rma"})
    seen_by_noemie = OnlineList(noemie)
    assert await seen_by_noemie.until(["Marc Membre", "Noémie Membre"])
    # The newcomer gets the list once, with themself; the others only what changed.
    assert "Noémie Membre" in [p["display_name"] for p in seen_by_noemie.hints[0]["online"]]
    assert await seen_by_marc.until(["Marc Membre", "Noémie Membre"])
    await noemie.disconnect()
    assert await seen_by_marc.until(["Marc Membre"])
    assert seen_by_marc.hints[-1]["left"] == [people.other_member.pk]
    assert all("online" not in hint for hint in seen_by_marc.hints[1:])
    await marc.disconnect()


async def test_typing_reaches_the_others_once_per_interval_and_is_not_logged(people):
    from communities.models import Event

    thread = (await post(people, "un")).thread
    marc, noemie = await connect(people.member), await connect(people.other_member)
    for ws in (marc, noemie):
        await ws.send_json_to({"type": "subscribe", "space": "rma"})
        await frame(ws)
    await noemie.send_json_to({"type": "typing", "space": "rma", "thread": thread.pk})
    await noemie.send_json_to({"type": "typing", "space": "rma", "thread": thread.pk})
    typing = await next_hint(marc, "typing")
    assert typing == {"type": "typing", "space": "rma", "thread": thread.pk,
                      "user": {"id": people.other_member.pk, "display_name": "Noémie Membre",
                               "label": "Noémie Membre"}}
    hints = []
    while not await marc.receive_nothing(timeout=0.5):
        hints.append(json.loads(await marc.receive_from()))
    assert [h for h in hints if h["type"] == "typing"] == []  # the repeat was throttled
    while not await noemie.receive_nothing(timeout=0.2):
        assert json.loads(await noemie.receive_from())["type"] != "typing"
    assert await sync_to_async(Event.objects.count)() == 1
    await marc.disconnect()
    await noemie.disconnect()


async def test_typing_needs_a_subscription(people):
    ws = await connect(people.member)
    await ws.send_json_to({"type": "typing", "space": "rma", "thread": 1})
    assert (await frame(ws))["code"] == "bad_frame"
    await ws.disconnect()


async def test_a_history_pruned_during_the_replay_gives_resync_not_a_gap(people):
    from communities.models import Event

    thread = (await post(people, "un")).thread
    for text in ["deux", "trois"]:
        await post(people, text, thread)
    # As if a prune ran between reading the floor and reading the events.
    await sync_to_async(Event.objects.filter(seq__lte=2).delete)()
    ws = await connect(people.member)
    await ws.send_json_to({"type": "subscribe", "space": "rma", "after": 0})
    assert (await frame(ws))["type"] == "subscribed"
    assert await frame(ws) == {"type": "resync", "space": "rma", "reason": "pruned"}
    await ws.disconnect()
