"""Opening a long thread: server time and query count of the thread page and of the API
listing, for a thread of 5,000 messages (issue 3).

    python -m bench.thread [--messages 5000] [--repeat 40] [--database-url URL]

Creates a fresh PostgreSQL database ``bench_thread``, loads one space with a few dozen members
and one thread of ``--messages`` messages (with replies, reactions and edits, so every part of
a message is rendered), then times the page and ``GET /api/v1/threads/{id}`` through Django's
full request handling in this process (no network), and counts the queries of each. A second,
10-message thread gives the query count to compare with: it must be the same.
Writes bench/results/thread-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.common import percentile
from bench.search import message_body, recreate_database, setup_django

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_thread"
MEMBERS = 40


def load(messages: int, rng: random.Random) -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from communities.models import Membership, Message, Reaction, Role, Space, Thread, User
    from communities.services.reactions import EMOJI

    password = make_password("banc-d-essai-42")
    people = User.objects.bulk_create([
        User(email=f"membre{i}@exemple.qc.ca", display_name=f"Membre {i}", password=password)
        for i in range(MEMBERS)
    ])
    space = Space.objects.create(slug="banc", name="Banc d'essai")
    Membership.objects.bulk_create([
        Membership(space=space, user=p, role=Role.FACILITATOR if i == 0 else Role.MEMBER)
        for i, p in enumerate(people)
    ])
    threads = {}
    for size in (messages, 10):
        now = timezone.now()
        thread = Thread.objects.create(space=space, title=f"Fil de {size} messages",
                                       author=people[0], message_count=size)
        rows = []
        for i in range(size):
            body = message_body(rng)
            rows.append(Message(thread=thread, author=rng.choice(people), body=body,
                                html=f"<p>{body}</p>", created_at=now,
                                edited_at=now if i % 17 == 0 else None))
        created = Message.objects.bulk_create(rows, batch_size=2000)
        for i, message in enumerate(created):
            if i and i % 5 == 0:
                message.reply_to = created[i - rng.randint(1, min(i, 20))]
        Message.objects.bulk_update([m for m in created if m.reply_to_id], ["reply_to"],
                                    batch_size=2000)
        Reaction.objects.bulk_create([
            Reaction(message=m, user=rng.choice(people), emoji=rng.choice(EMOJI))
            for m in created if rng.random() < 0.3
        ], ignore_conflicts=True)
        threads[size] = thread.pk
    return {"space": space.slug, "threads": threads, "reader": people[1].pk}


def measure(url: str, client: Any, repeat: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.common import cpu_seconds

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = int(cursor.fetchone()[0])
    database_cpu = cpu_seconds(backend)
    timings, cpu = [], []
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        answer = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        # On a shared machine wall time includes waiting for a core; this process's CPU time
        # (PostgreSQL's is not in it) is the figure capacity planning can multiply.
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert answer.status_code == 200, (url, answer.status_code)
    # The PostgreSQL backend serving this process (same machine): its CPU per request.
    database_cpu = cpu_seconds(backend) - database_cpu
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == backend, "the requests used another connection"
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url)
    return {"p50_ms": round(percentile(timings, 0.5), 1),
            "p95_ms": round(percentile(timings, 0.95), 1),
            "cpu_p50_ms": round(percentile(cpu, 0.5), 1),
            "db_cpu_mean_ms": round(database_cpu * 1000 / repeat, 1),
            "queries": len(queries), "bytes": len(answer.content)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    args = parser.parse_args(argv)

    recreate_database(args.database_url)
    setup_django(args.database_url)
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from communities.models import User
    from communities.services.accounts import issue_api_token

    settings.ALLOWED_HOSTS = ["testserver"]
    data = load(args.messages, random.Random(5000))
    reader = User.objects.get(pk=data["reader"])
    page = Client()
    page.force_login(reader)
    token = issue_api_token(email=reader.email, password="banc-d-essai-42")  # noqa: S106
    api = Client(headers={"authorization": f"Bearer {token}"})

    from communities.models import Thread
    from communities.services.reading import mark_read

    # A reader who is caught up: the page opens on the last page of the thread. (Each view
    # also marks the thread read, so a reader with unread messages would see a different
    # page on every repeat.)
    for thread_id in data["threads"].values():
        thread = Thread.objects.select_related("space").get(pk=thread_id)
        last = thread.messages.order_by("-pk").values_list("pk", flat=True).first() or 0
        mark_read(actor=reader, thread=thread, up_to=last)

    results: dict[str, Any] = {"messages": args.messages, "repeat": args.repeat}
    for size, thread_id in data["threads"].items():
        results[f"page_{size}"] = measure(
            reverse("thread", args=[data["space"], thread_id]), page, args.repeat)
        results[f"api_{size}"] = measure(f"/api/v1/threads/{thread_id}?limit=50", api,
                                         args.repeat)

    print(f"{'what':<28} {'p50 ms':>8} {'p95 ms':>8} {'cpu p50':>8} {'db cpu':>8} "
          f"{'queries':>8} {'bytes':>9}")
    for key, label in [(f"page_{args.messages}", f"page, {args.messages} messages"),
                       ("page_10", "page, 10 messages"),
                       (f"api_{args.messages}", f"API, {args.messages} messages"),
                       ("api_10", "API, 10 messages")]:
        row = results[key]
        print(f"{label:<28} {row['p50_ms']:>8} {row['p95_ms']:>8} {row['cpu_p50_ms']:>8} "
              f"{row['db_cpu_mean_ms']:>8} {row['queries']:>8} "
              f"{row['bytes']:>9}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"thread-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
