"""Replies by email: what one costs, through each entry point, beside the web's own post.

    python -m bench.replies [--replies 200] [--database-url URL] [--json-out PATH]

Creates a fresh PostgreSQL database ``bench_replies`` with one space, its members and one
thread, then posts ``--replies`` messages four ways in the same run and reports ms per reply
(p50 / p95) and the ratio to the first:

- ``web post_message``: the discussion service alone, as the web calls it (the baseline);
- ``parse + strip``: reading the raw message and removing the quote, no database;
- ``receive_mail service``: the whole inbound service (claim, checks, strip, post);
- ``LMTP over loopback``: the same through the real listener, one smtplib.LMTP connection
  as an MTA keeps it, one message after another.

The raw messages are the Gmail, Outlook, Apple Mail and Thunderbird samples (French and
English) of tests/replies/mail, each with its own Message-ID. Writes bench/results/replies-*.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import smtplib
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.common import free_port, percentile
from bench.search import recreate_database, setup_django

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SAMPLES = ROOT / "tests" / "replies" / "mail"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_replies"


def _raw(name: str, *, sender: str, recipient: str, n: int) -> bytes:
    text = (SAMPLES / f"{name}.eml").read_text(encoding="utf-8")
    text = text.replace("{sender}", sender).replace("{recipient}", recipient)
    # Each delivery its own message: a new Message-ID on the sample's own line.
    lines = [f"Message-ID: <bench-{n}@exemple.qc.ca>" if line.lower().startswith("message-id:")
             else line for line in text.splitlines()]
    return "\r\n".join(lines).encode("utf-8") + b"\r\n"


def _timed(count: int, one: Callable[[int], object]) -> list[float]:
    times = []
    for n in range(count):
        started = time.perf_counter()
        one(n)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _lmtp_listener() -> tuple[int, Callable[[], None]]:
    from replies.lmtp import serve

    port = free_port()
    loop = asyncio.new_event_loop()
    ready = asyncio.Event()
    started = threading.Event()

    async def run() -> None:
        task = asyncio.ensure_future(serve(host="127.0.0.1", port=port, started=ready))
        await ready.wait()
        started.set()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    main = loop.create_task(run())
    thread = threading.Thread(target=loop.run_until_complete, args=(main,), daemon=True)
    thread.start()
    if not started.wait(10):
        raise SystemExit("the LMTP listener did not start")

    def stop() -> None:
        for task in asyncio.all_tasks(loop):
            loop.call_soon_threadsafe(task.cancel)
        thread.join(10)

    return port, stop


def run(replies: int) -> dict[str, Any]:
    from communities.models import Membership, Message, Role, Space, User
    from communities.services.discussion import post_message, start_thread
    from replies.addresses import reply_address
    from replies.inbound import read_incoming, receive_mail
    from replies.quoting import reply_text

    space = Space.objects.create(slug="banc", name="Banc d'essai")
    facilitator = User.objects.create_user("anim@exemple.qc.ca", None, display_name="Anim")
    member = User.objects.create_user("marc@exemple.qc.ca", None, display_name="Marc Membre")
    for person, role in ((facilitator, Role.FACILITATOR), (member, Role.MEMBER)):
        Membership.objects.create(space=space, user=person, role=role)
    thread = start_thread(actor=facilitator, space=space, title="Banc d'essai",
                          body="Bonjour à toutes et à tous").thread
    clients = sorted(path.stem for path in SAMPLES.glob("*.eml"))

    def sample_for(n: int, recipient: str) -> bytes:
        return _raw(clients[n % len(clients)], sender=member.email, recipient=recipient, n=n)

    scenarios: dict[str, list[float]] = {}
    bodies = [reply_text(read_incoming(sample_for(n, "r@localhost")).text)
              for n in range(len(clients))]
    scenarios["web post_message"] = _timed(replies, lambda n: post_message(
        actor=member, thread=thread, body=bodies[n % len(bodies)]))

    raws = [sample_for(n, "reply+x@localhost") for n in range(replies)]
    scenarios["parse + strip"] = _timed(replies, lambda n: reply_text(read_incoming(raws[n]).text))

    def through_service(n: int) -> None:
        address = addresses[n]
        [handled] = receive_mail(raw=service_raws[n], recipients=[address])
        assert handled.outcome == "posted", handled

    addresses = [reply_address(user=member, thread=thread) for _ in range(replies)]
    service_raws = [sample_for(100_000 + n, addresses[n]) for n in range(replies)]
    scenarios["receive_mail service"] = _timed(replies, through_service)

    port, stop = _lmtp_listener()
    lmtp_addresses = [reply_address(user=member, thread=thread) for _ in range(replies)]
    lmtp_raws = [sample_for(200_000 + n, lmtp_addresses[n]) for n in range(replies)]
    client = smtplib.LMTP("127.0.0.1", port, timeout=30)
    client.ehlo_or_helo_if_needed()
    try:
        scenarios["LMTP over loopback"] = _timed(replies, lambda n: client.sendmail(
            member.email, [lmtp_addresses[n]], lmtp_raws[n]))
    finally:
        client.quit()
        stop()

    posted = Message.objects.filter(author=member).count()
    baseline = percentile(scenarios["web post_message"], 0.5)
    rows = {}
    for label, times in scenarios.items():
        p50 = percentile(times, 0.5)
        rows[label] = {"p50_ms": round(p50, 2), "p95_ms": round(percentile(times, 0.95), 2),
                       "ratio_to_web_p50": round(p50 / baseline, 2) if baseline else None}
    return {"replies": replies, "posted_by_member": posted, "clients": clients,
            "scenarios": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replies", type=int, default=200)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_URL))
    parser.add_argument("--json-out", default="")
    args = parser.parse_args(argv)
    os.environ["POST_RATE_LIMIT"] = "0"
    recreate_database(args.database_url)
    setup_django(args.database_url)
    results = run(args.replies)
    print(f"{'what':<24} {'p50 ms':>8} {'p95 ms':>8} {'× web':>7}")
    for label, row in results["scenarios"].items():
        print(f"{label:<24} {row['p50_ms']:>8} {row['p95_ms']:>8} "
              f"{row['ratio_to_web_p50']:>7}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = Path(args.json_out) if args.json_out else (
        RESULTS / f"replies-{datetime.now():%Y%m%d-%H%M%S}.json")
    out.write_text(json.dumps(results, indent=2))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
