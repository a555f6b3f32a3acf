"""Reconnect storm: N subscribers dropped at once come back within a second, each resuming
from the last seq it had, while M events were posted in between.

    python -m bench.reconnect [--subscribers 1000] [--missed 50] [--spread 1.0] [--repeat 3]
                              [--servers uvicorn,daphne] [--hog 1.5] [--profile]

Each run: N subscribers connect and subscribe to one space (two hub processes on Redis), the
generators cut every TCP connection at once (no closing handshake), M messages are posted
while nobody is connected, then every client reconnects at a random moment of the next
``--spread`` seconds with ``after`` = the head it had. Reported: seconds from the first
reconnect attempt until the last client has the last missed event, and the verification
that every client got every missed event exactly once and in order (each posted body carries
its message id, and ids were posted in seq order: per client the count, the sum of ids and
the order are checked). Beside the servers' CPU over the storm, the database's (its backends
serving the bench's database) and the clients' (the generator processes): all three share
the machine's cores.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
import time
from typing import Any

from bench.common import body_for, cpu_seconds
from bench.fanout import Generator, profiling, start_hog
from bench.storm import (
    common_args,
    connect_all,
    database_cpu,
    database_cpu_since,
    fmt,
    hub_servers,
    median_range,
    prepare,
    targets_for,
    write,
)

CONCURRENCY = 500  # per generator process: the spread paces them, not a gate


def post_missed(population: Any, ids: list[int]) -> int:
    """Post the messages nobody is connected to see; return the space's head after."""
    from communities.models import Space, Thread
    from communities.services.discussion import post_message

    thread = Thread.objects.select_related("author").get(pk=population.thread_id)
    for message_id in ids:
        post_message(actor=thread.author, thread=thread, body=body_for(message_id))
    return int(Space.objects.filter(pk=thread.space_id).values_list("event_head",
                                                                     flat=True).get())


def head_of(population: Any) -> int:
    from communities.models import Space

    return int(Space.objects.filter(slug=population.space_slug)
               .values_list("event_head", flat=True).get())


def run_once(generator: Generator, population: Any, servers: Any, n: int, missed: int,
             spread: float, first_id: int, profile: str | None = None) -> dict[str, Any]:
    slug = population.space_slug
    head = head_of(population)
    hello = json.dumps({"type": "subscribe", "space": slug, "after": head})
    first = connect_all(generator, targets_for(population, servers, list(range(n)), hello),
                        CONCURRENCY)
    if first["connected"] != n:
        # Not a reconnect storm without everyone first: recorded, not measured.
        generator.ask("disconnect")
        return {"reconnected": 0, "failed": n - first["connected"], "errors": first["errors"],
                "reconnect_seconds": float("nan"), "caught_up_seconds": float("nan"),
                "received": 0, "expected": n * missed, "exact_clients": 0, "out_of_order": 0,
                "server_cpu_s": float("nan"), "database_cpu_s": float("nan"),
                "client_cpu_s": float("nan"), "verified": False,
                "first_connect": f"only {first['connected']}/{n} connected"}
    generator.ask("abort")
    ids = list(range(first_id, first_id + missed))
    new_head = post_missed(population, ids)
    resume = json.dumps({"type": "subscribe", "space": slug, "after": head})
    targets = targets_for(population, servers, list(range(n)), resume)
    generator.ask("reset", (ids[0], ids[-1] + 1))
    expected = n * missed
    # Only the storm is sampled: the first connect and the posts are not what is measured.
    sampling: contextlib.AbstractContextManager[list[str]] = (
        profiling(servers.pids, profile, gil=True) if profile is not None
        else contextlib.nullcontext([]))
    with sampling:
        before = sum(cpu_seconds(p) for p in servers.pids)
        clients_before = sum(cpu_seconds(p) for p in generator.pids)
        database_before = database_cpu()
        storm = connect_all(generator, targets, CONCURRENCY, spread=spread)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and sum(generator.ask("total")) < expected:
            time.sleep(0.05)
        cpu = sum(cpu_seconds(p) for p in servers.pids) - before
        database = database_cpu_since(database_before)
        clients = sum(cpu_seconds(p) for p in generator.pids) - clients_before
    snapshots = generator.ask("snapshot")
    generator.ask("disconnect")
    lasts = [seen[2] for s in snapshots for seen in s["seen"].values()]
    received = sum(sum(s["counts"]) for s in snapshots)
    target_sum = sum(ids)
    exact = sum(1 for s in snapshots for count, total in zip(s["counts"], s["sums"],
                                                               strict=True)
                if count == missed and total == target_sum)
    out_of_order = sum(s["out_of_order"] for s in snapshots)
    per_message: dict[int, int] = {}
    for s in snapshots:
        for mid, seen in s["seen"].items():
            per_message[int(mid)] = per_message.get(int(mid), 0) + seen[0]
    return {
        "reconnected": storm["connected"], "failed": storm["failed"],
        "errors": storm["errors"], "head_before": head, "head_after": new_head,
        "reconnect_seconds": storm["seconds"],
        "caught_up_seconds": (max(lasts) - storm["started"]) if lasts else float("nan"),
        "received": received, "expected": expected,
        "exact_clients": exact, "out_of_order": out_of_order,
        "lost": expected - received if received <= expected else 0,
        "duplicates": max(0, received - expected),
        "messages_not_everywhere": sum(1 for m in ids if per_message.get(m, 0) != n),
        "server_cpu_s": cpu, "database_cpu_s": database, "client_cpu_s": clients,
        "verified": exact == n and out_of_order == 0 and received == expected,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reconnect", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    common_args(parser, 1000)
    parser.add_argument("--missed", type=int, default=50)
    parser.add_argument("--spread", type=float, default=1.0)
    parser.add_argument("--hog", type=float, default=0.0,
                        help="cores kept busy by neighbours for the whole run (1.5: one whole "
                             "and half of the other), as other work on the host")
    parser.add_argument("--profile", action="store_true",
                        help="sample the servers during each storm with py-spy into var/bench/")
    args = parser.parse_args(argv)
    n = args.subscribers
    database_url, population = prepare(n, args.database_url)
    generator = Generator(2)
    hogs = [start_hog(min(1.0, args.hog - k)) for k in range(math.ceil(args.hog))]
    results: dict[str, Any] = {}
    next_id = 5_000_000
    try:
        for server in [s for s in args.servers.split(",") if s and s != "bare"]:
            print(f"\n== {server}", flush=True)
            runs: list[dict[str, Any]] = []
            with hub_servers(server, 2, args.redis_url, database_url,
                             args.conn_max_age) as servers:
                for _ in range(args.repeat):
                    label = f"reconnect-{server}-{len(runs)}" if args.profile else None
                    run = run_once(generator, population, servers, n, args.missed,
                                   args.spread, next_id, label)
                    next_id += args.missed + 100
                    runs.append(run)
                    print(f"  {run['reconnected']}/{n} back in {run['reconnect_seconds']:.2f} s,"
                          f" all caught up in {run['caught_up_seconds']:.2f} s; "
                          f"{run['received']}/{run['expected']} events, {run['exact_clients']} "
                          f"clients exact, out of order {run['out_of_order']}, server CPU "
                          f"{run['server_cpu_s']:.2f} s, database CPU "
                          f"{run['database_cpu_s']:.2f} s, clients' CPU "
                          f"{run['client_cpu_s']:.2f} s"
                          + (f"; errors {run['errors']}" if run["failed"] else ""), flush=True)
                    time.sleep(1.0)
            results[server] = {
                "runs": runs,
                "caught_up_seconds": median_range([r["caught_up_seconds"] for r in runs]),
                "reconnect_seconds": median_range([r["reconnect_seconds"] for r in runs]),
                "server_cpu_s": median_range([r["server_cpu_s"] for r in runs]),
                "database_cpu_s": median_range([r["database_cpu_s"] for r in runs]),
                "client_cpu_s": median_range([r["client_cpu_s"] for r in runs]),
                "verified": all(r["verified"] for r in runs),
            }
    finally:
        generator.close()
        for hog in hogs:
            hog.terminate()
            hog.wait(timeout=5)
    print(f"\nReconnect storm, {n} clients back within {args.spread:g} s, {args.missed} missed "
          f"events each, median [range] of {args.repeat}"
          + (f", {args.hog:g} cores kept busy beside" if args.hog else "") + ":")
    print(f"{'server':<8} {'all back s':>18} {'all caught up s':>18} {'server CPU s':>18} "
          f"{'database CPU s':>18} {'clients CPU s':>18} exactly once, in order")
    for name, r in results.items():
        print(f"{name:<8} {fmt(r['reconnect_seconds']):>18} {fmt(r['caught_up_seconds']):>18} "
              f"{fmt(r['server_cpu_s']):>18} {fmt(r['database_cpu_s']):>18} "
              f"{fmt(r['client_cpu_s']):>18} {'yes' if r['verified'] else 'NO'}")
    write("reconnect", args, {"subscribers": n, "missed": args.missed, "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
