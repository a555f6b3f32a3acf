"""Building the weekly digests of 5,000 members across the six spaces (issue 6).

    python -m bench.digests [--members 5000] [--events 30000] [--batch-size 200]
                            [--baseline-members N] [--database-url URL] [--json-out FILE]

Creates a fresh PostgreSQL database ``bench_digests`` and loads a week of realistic activity:
six spaces, members in one to three of them, a few hundred active posters, threads, replies,
mentions (on personal streams) and documents — ``--events`` events in the log, with the
threads and messages they name. Then it runs the real send path (claim, build, render,
record; the message itself is handed to a no-op instead of SMTP) two ways, each from a clean
slate of claims:

- ``batched``: ``emails.digest.sending.send_batch`` on batches of ``--batch-size`` members;
- ``one_at_a_time``: the same function called for each member alone, the baseline a naive
  loop over members gives.

It reports milliseconds per digest (wall, and CPU of this process and of its PostgreSQL
backend) and queries per batch (and per digest) for each, their ratio, and checks that both
produced the same digests. Writes bench/results/digests-*.json.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench.search import message_body, recreate_database, setup_django, thread_title

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_digests"
SPACES = [("rma", "Réseau Municipalités accessibles"), ("mae", "Municipalité amie des enfants"),
          ("vs", "Voisins solidaires"), ("rgv", "Réseau des grandes villes"),
          ("metaprisme", "métaPRISME"), ("accompagnement", "Équipe d'accompagnement")]
# Share of the log per kind, close to what a busy week of the six communities looks like.
MIX = {"thread.created": 0.03, "message.created": 0.85, "mention.created": 0.08,
       "document": 0.04}


def _person(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "display_name": user.display_name, "organisation": ""}


def load(*, members: int, events: int, rng: random.Random) -> dict[str, Any]:
    """A week of activity, written straight to the tables (the services would take minutes
    for tens of thousands of events; the payloads have the shapes the services emit)."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from communities.models import Event, Membership, Message, Space, Thread, User

    started = time.monotonic()
    now = timezone.now()
    password = make_password("banc-d-essai-courriel")
    users = User.objects.bulk_create([
        User(email=f"personne{i}@exemple.qc.ca", display_name=f"Personne {i}",
             password=password) for i in range(members)], batch_size=2000)
    spaces = Space.objects.bulk_create([Space(slug=s, name=n) for s, n in SPACES])
    joined = now - timedelta(days=60)
    rows: list[Any] = []
    members_of: dict[int, list[Any]] = {space.pk: [] for space in spaces}
    for user in users:
        for space in rng.sample(spaces, rng.choices([1, 2, 3], weights=[5, 3, 2])[0]):
            rows.append(Membership(space=space, user=user, joined_at=joined))
            members_of[space.pk].append(user)
    Membership.objects.bulk_create(rows, batch_size=5000)
    posters = {pk: rng.sample(people, min(len(people), 60)) for pk, people in members_of.items()}

    counts = {kind: int(events * share) for kind, share in MIX.items()}
    seq = dict.fromkeys((s.pk for s in spaces), 0)
    personal: dict[int, int] = {}
    week = timedelta(days=7).total_seconds()

    def when() -> Any:
        return now - timedelta(seconds=rng.uniform(60, week - 60))

    # Threads with their first message, then the messages in them.
    threads, event_rows = [], []
    for _ in range(counts["thread.created"]):
        space = rng.choice(spaces)
        threads.append(Thread(space=space, title=thread_title(rng),
                              author=rng.choice(posters[space.pk]), created_at=when()))
    Thread.objects.bulk_create(threads, batch_size=2000)
    messages = []
    for thread in threads:
        messages.append(Message(thread=thread, author=thread.author, body=message_body(rng),
                                html="", created_at=thread.created_at))
    for _ in range(counts["message.created"]):
        thread = rng.choice(threads)
        messages.append(Message(thread=thread, author=rng.choice(posters[thread.space_id]),
                                body=message_body(rng), html="",
                                created_at=max(thread.created_at, when())))
    Message.objects.bulk_create(messages, batch_size=5000)
    firsts = messages[:len(threads)]
    first_ids = {m.pk for m in firsts}
    for message in sorted(messages, key=lambda m: m.created_at):
        thread = message.thread
        space = thread.space
        seq[space.pk] += 1
        data = {"id": message.pk, "thread": thread.pk, "author": _person(message.author),
                "created_at": message.created_at.isoformat(), "body": message.body,
                "html": "", "reply_to": None, "edited_at": None, "deleted": False,
                "reactions": []}
        if message.pk in first_ids:
            kind = "thread.created"
            payload = {"thread": {"id": thread.pk, "space": space.slug, "title": thread.title,
                                  "author": _person(thread.author)}, "message": data}
        else:
            kind = "message.created"
            if rng.random() < 0.3:
                data["reply_to"] = {"id": rng.choice(firsts).pk, "author": "", "excerpt": "",
                                    "deleted": False}
            payload = {"message": data, "thread": {"id": thread.pk, "title": thread.title}}
        event_rows.append(Event(space=space, seq=seq[space.pk], kind=kind,
                                actor=message.author, payload=payload,
                                created_at=message.created_at))
    # Mentions on the personal streams of members of the message's space.
    for _ in range(counts["mention.created"]):
        message = rng.choice(messages)
        thread = message.thread
        owner = rng.choice(members_of[thread.space_id])
        personal[owner.pk] = personal.get(owner.pk, 0) + 1
        event_rows.append(Event(owner=owner, seq=personal[owner.pk], kind="mention.created",
                                actor=message.author, created_at=message.created_at,
                                payload={"space": thread.space.slug,
                                         "thread": {"id": thread.pk, "title": thread.title},
                                         "message": message.pk, "by": _person(message.author),
                                         "everyone": False}))
    for number in range(counts["document"]):
        space = rng.choice(spaces)
        seq[space.pk] += 1
        uploader = rng.choice(posters[space.pk])
        version = {"number": 1 + number % 3, "name": f"document-{number}.pdf", "size": 1000,
                   "content_type": "application/pdf", "sha256": "0" * 64,
                   "uploaded_by": _person(uploader), "created_at": now.isoformat()}
        document = {"id": number + 1, "space": space.slug, "folder": None,
                    "title": f"Document {number}", "description": "",
                    "uploader": _person(uploader), "created_at": now.isoformat(),
                    "deleted": False, "version": version}
        kind = "document.created" if version["number"] == 1 else "document.version_added"
        event_rows.append(Event(space=space, seq=seq[space.pk], kind=kind, actor=uploader,
                                payload={"document": document, "version": version},
                                created_at=when()))
    Event.objects.bulk_create(event_rows, batch_size=5000)
    for space in spaces:
        Space.objects.filter(pk=space.pk).update(event_head=seq[space.pk])
    return {"members": members, "memberships": len(rows), "events": len(event_rows),
            "threads": len(threads), "messages": len(messages),
            "load_seconds": round(time.monotonic() - started, 1)}


def run(*, user_ids: list[int], batch_size: int, period: str) -> dict[str, Any]:
    """The real send path on ``user_ids`` in batches of ``batch_size``; nothing leaves."""
    from django.db import connection, reset_queries

    from bench.common import cpu_seconds
    from emails.digest import sending
    from emails.models import DigestDelivery, JoinLink
    from replies.models import ReplyAddress

    DigestDelivery.objects.all().delete()
    JoinLink.objects.all().delete()
    ReplyAddress.objects.all().delete()
    sizes: list[int] = []
    queries: list[int] = []

    def discard(message: Any, opened: Any) -> None:
        sizes.append(len(message.message().as_bytes()))

    connection.force_debug_cursor = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = int(cursor.fetchone()[0])
    # On a shared machine wall time includes waiting for a core: this process's CPU time and
    # that of the PostgreSQL backend serving it are the figures a noisy run leaves usable.
    database_cpu = cpu_seconds(backend)
    started, cpu_started = time.perf_counter(), time.process_time()
    sent: list[int] = []
    for start in range(0, len(user_ids), batch_size):
        reset_queries()
        result = sending.send_batch(frequency="weekly", period=period,
                                    user_ids=user_ids[start:start + batch_size], send=discard)
        # One UPDATE per message sent is the record that it left; the rest is the batch's.
        queries.append(len(connection.queries) - len(result.sent))
        sent.extend(result.sent)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    database_cpu = cpu_seconds(backend) - database_cpu
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == backend, "the batches used another connection"
    connection.force_debug_cursor = False
    digests = DigestDelivery.objects.count()
    titles = sorted(JoinLink.objects.values_list("user_id", "target"))
    return {
        "members": len(user_ids), "batch_size": batch_size, "digests": digests,
        "sent": len(sent), "seconds": round(elapsed, 2),
        "ms_per_digest": round(elapsed * 1000 / max(1, digests), 3),
        "cpu_ms_per_digest": round(cpu * 1000 / max(1, digests), 3),
        "db_cpu_ms_per_digest": round(database_cpu * 1000 / max(1, digests), 3),
        "queries_per_batch": {"min": min(queries), "max": max(queries)},
        "queries_per_digest": round(sum(queries) / max(1, digests), 2),
        "mean_message_bytes": round(sum(sizes) / max(1, len(sizes))),
        "_links": titles,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--events", type=int, default=30000)
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--baseline-members", type=int, default=0,
                        help="members the one-at-a-time baseline runs on (0: all)")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--json-out", default="")
    args = parser.parse_args(argv)

    recreate_database(args.database_url)
    setup_django(args.database_url)
    from django.conf import settings

    settings.DEBUG = False  # no query log except where run() asks for one
    logging.getLogger("emails").setLevel(logging.WARNING)  # one line per batch otherwise
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    data = load(members=args.members, events=args.events, rng=random.Random(6))

    from emails.digest import sending

    user_ids = sending.due_user_ids()
    baseline_ids = user_ids[:args.baseline_members] if args.baseline_members else user_ids
    period = "2026-W49"
    baseline = run(user_ids=baseline_ids, batch_size=1, period=period)
    batched_same = run(user_ids=baseline_ids, batch_size=args.batch_size, period=period)
    # The same members must get the same digests either way (links differ only by token).
    same_digests = baseline.pop("_links") == batched_same.pop("_links")
    batched = run(user_ids=user_ids, batch_size=args.batch_size, period=period)
    batched.pop("_links")
    results = {
        "data": data,
        "scenarios": {"one_at_a_time": baseline, "batched": batched},
        "same_digests_as_baseline": same_digests,
        "ratio_ms_per_digest": round(baseline["ms_per_digest"] / batched["ms_per_digest"], 2),
        "ratio_cpu_ms_per_digest": round(
            baseline["cpu_ms_per_digest"] / max(batched["cpu_ms_per_digest"], 1e-9), 2),
        "ratio_queries_per_digest": round(
            baseline["queries_per_digest"] / max(batched["queries_per_digest"], 1e-9), 1),
    }
    print(f"data: {data}")
    print(f"{'scenario':<16} {'members':>8} {'digests':>8} {'ms/digest':>10} {'cpu ms':>8} "
          f"{'db cpu ms':>9} {'queries/batch':>14} {'queries/digest':>15}")
    for name, row in results["scenarios"].items():
        per_batch = row["queries_per_batch"]
        print(f"{name:<16} {row['members']:>8} {row['digests']:>8} {row['ms_per_digest']:>10} "
              f"{row['cpu_ms_per_digest']:>8} {row['db_cpu_ms_per_digest']:>9} "
              f"{per_batch['min']:>6}–{per_batch['max']:<7} {row['queries_per_digest']:>15}")
    print(f"batched is {results['ratio_ms_per_digest']}× faster per digest "
          f"({results['ratio_cpu_ms_per_digest']}× in CPU of this process) and needs "
          f"{results['ratio_queries_per_digest']}× fewer queries; same digests: {same_digests}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = Path(args.json_out) if args.json_out else (
        RESULTS / f"digests-{datetime.now():%Y%m%d-%H%M%S}.json")
    out.write_text(json.dumps(results, indent=2))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
