"""What the hub keeps per idle subscribed connection stays small: the link is slotted and its
queue and drain event exist only while its transport makes it wait (tracemalloc counts
every allocation the subscriptions leave behind)."""

from __future__ import annotations

import gc
import tracemalloc

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from realtime.hub import Hub
from realtime.link import Link
from tests.realtime.peers import members

pytestmark = pytest.mark.django_db(transaction=True)

LINKS = 300
#: Bytes the hub may keep per idle subscribed link: the link, its stream map, its place in
#: the stream's live set and the hub's link set, its person's presence count.
BOUND = 1536


async def _ignore(message: dict) -> None:
    return None


async def _close(code: int) -> None:
    return None


async def test_an_idle_subscribed_link_costs_the_hub_under_a_bound(people):
    hub = Hub(None, audit_seconds=60)
    users = await sync_to_async(members)(people.space, LINKS)
    key = ("space", people.space.pk)
    try:
        # Warm up: the stream, its presence state and the database threads exist before.
        warm = Link(user_id=people.member.pk, send_message=_ignore, close=_close,
                    max_pending=10, display_name="Marc Membre")
        hub.attach(warm)
        await hub.subscribe(warm, key, "rma", after=None)
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.take_snapshot()
        for user in users:
            link = Link(user_id=user.pk, send_message=_ignore, close=_close,
                        max_pending=2000, display_name=user.display_name,
                        label=user.display_name)
            hub.attach(link)
            await hub.subscribe(link, key, "rma", after=None)
        gc.collect()
        after = tracemalloc.take_snapshot()
        tracemalloc.stop()
        kept = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
        per_link = kept / LINKS
        assert per_link <= BOUND, f"{per_link:.0f} bytes per idle link"
        assert all(link._queue is None and link._drained is None for link in hub.links)
    finally:
        await hub.stop()
        await sync_to_async(connections.close_all)()
