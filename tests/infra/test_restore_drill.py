"""The restore drill of docs/operations.md, step by step, on the test database.

A dump is taken while the site runs; more events are posted after it. Those are lost by the
restore: that is what restoring a dump means, and the drill shows what clients then see. The
site is stopped, the database dropped (its other connections terminated), recreated and
restored with pg_restore, migrated, and started again. A client whose last seq is beyond the
restored head is told ``resync`` (reason ``ahead``); one that was behind the dump gets exactly
the events after its seq; and new posts continue the sequence from the restored head without a
hole.
"""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connections

from communities.models import Event, Message, Space
from tests.conftest import People
from tests.infra.stack import manage
from tests.integration.helpers import Api, Subscriber, posted, received
from tests.servers import ServerProcess, private_redis, running_server
from tests.servers import test_database_url as database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240),
              pytest.mark.usefixtures("uses_postgres")]

SPACE = "rma"


def run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (command, done.stderr)


def dump(database_url: str, file: Path) -> None:
    """Step 1: a consistent dump of the running site (pg_dump reads one snapshot)."""
    run("pg_dump", "--format=custom", f"--file={file}", database_url)


def restore(database_url: str, file: Path) -> None:
    """Steps 3-5, with the site stopped: drop (terminating whatever still holds a connection),
    recreate empty from template0, restore, then bring the schema to the code's version."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    # This test process is one of the "other connections"; its pool would keep handing out
    # connections the drop terminated, as an application process left running would.
    connections.close_all()
    connections["default"].close_pool()  # type: ignore[attr-defined]
    run("dropdb", "--force", f"--maintenance-db={maintenance}", name)
    run("createdb", "--template=template0", f"--maintenance-db={maintenance}", name)
    run("pg_restore", "--exit-on-error", "--no-owner", f"--dbname={database_url}", str(file))
    manage({}, "migrate", "--noinput", "-v", "0")


async def before_the_restore(server: ServerProcess, people: People,
                             file: Path) -> dict[str, Any]:
    florence = await Api.login(server, people.facilitator.email)
    marc = await Api.login(server, people.member.email)
    thread = await florence.start_thread(SPACE, "Plan de sauvegarde", "On teste la reprise ?")
    thread_id = thread["thread"]["id"]
    kept = [posted(thread), posted(await marc.post(thread_id, "Oui, jeudi."))]
    async with Subscriber.connect(server, florence) as florence_sees:
        await florence_sees.subscribe(SPACE, after=0)
        # Marc's client applied the first two events, then went away.
        async with Subscriber.connect(server, marc) as marc_sees:
            await marc_sees.subscribe(SPACE, after=0)
            assert [received(e) for e in await marc_sees.events_through(kept[-1][0])] == kept
        marc_last = kept[-1][0]
        kept += [posted(await florence.post(thread_id, f"Avant la sauvegarde {i}"))
                 for i in range(2)]
        got = await florence_sees.events_through(kept[-1][0])
        assert [received(e) for e in got] == kept

        await asyncio.to_thread(dump, database_url(), file)

        lost = [posted(await marc.post(thread_id, f"Perdu par la restauration {i}"))
                for i in range(2)]
        got = await florence_sees.events_through(lost[-1][0])
        assert [received(e) for e in got] == lost
    return {"thread": thread_id, "kept": kept, "lost": lost, "marc_last": marc_last,
            "florence_last": lost[-1][0]}


async def after_the_restore(server: ServerProcess, people: People,
                            before: dict[str, Any]) -> None:
    florence = await Api.login(server, people.facilitator.email)
    marc = await Api.login(server, people.member.email)
    head = before["kept"][-1][0]
    async with Subscriber.connect(server, florence) as florence_sees, \
            Subscriber.connect(server, marc) as marc_sees:
        # Florence saw events the restore took away: her position is not a continuation.
        await florence_sees.send({"type": "subscribe", "space": SPACE,
                                  "after": before["florence_last"]})
        assert await florence_sees.frame() == {"type": "resync", "space": SPACE,
                                               "reason": "ahead", "head": head}
        # Marc was behind the dump: he gets exactly what he missed, then nothing.
        assert (await marc_sees.subscribe(SPACE, after=before["marc_last"]))["head"] == head
        got = await marc_sees.events_through(head)
        assert [received(e) for e in got] == [e for e in before["kept"]
                                              if e[0] > before["marc_last"]]
        assert await marc_sees.silence(1.0) == []
        # Florence reloads her state (the pages, the API) and resumes from the head.
        assert (await florence_sees.subscribe(SPACE, after=head))["head"] == head

        new = [posted(await marc.post(before["thread"], f"Après la restauration {i}"))
               for i in range(2)]
        assert [seq for seq, _, _ in new] == [head + 1, head + 2]
        for client in (florence_sees, marc_sees):
            assert [received(e) for e in await client.events_through(new[-1][0])] == new
            assert await client.silence(0.7) == []


def test_restore_drill_resumes_clients_without_a_hole(community: People, tmp_path: Path) -> None:
    file = tmp_path / "espace.dump"
    with private_redis() as (redis_url, _):
        with running_server(redis_url=redis_url, server="uvicorn") as server:
            before = asyncio.run(before_the_restore(server, community, file))
        # The site is stopped (web and workers) before the database goes away.
        restore(database_url(), file)
        lost_bodies = [body for _, _, body in before["lost"]]
        assert not Message.objects.filter(body__in=lost_bodies).exists()
        space = Space.objects.get(pk=community.space.pk)
        assert space.event_head == before["kept"][-1][0]
        assert not Event.objects.filter(space=space, seq__gt=space.event_head).exists()
        with running_server(redis_url=redis_url, server="uvicorn") as server:
            asyncio.run(after_the_restore(server, community, before))
