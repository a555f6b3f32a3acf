"""Idle density: what N idle subscribed websockets cost one server process.

    python -m bench.idle [--subscribers 5000] [--window 20] [--repeat 3]
                         [--servers uvicorn,daphne,bare] [--no-personal]

One hub process (the product under uvicorn or daphne), N connections each subscribed to one
space and, like a browser page, to its own ``@me`` stream; then nothing happens. Reported:
resident memory per connection (the process's growth from a warmed-up idle state, divided by
N) and the CPU the process spends while they sit idle (the audit tick, the presence
heartbeat, the channel layer), as a percentage of one core over ``--window`` seconds. The
bare ``websockets`` server holding the same N connections is the floor for memory.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from bench.common import cpu_seconds, rss_bytes
from bench.fanout import Generator
from bench.storm import (
    bare_server,
    common_args,
    connect_all,
    fmt,
    hub_servers,
    median_range,
    prepare,
    targets_for,
    write,
)

CONCURRENCY = 250
SETTLE = 5.0  # seconds after the storm: replays, presence flushes and audits of it done


def hellos(population: Any, personal: bool) -> Any:
    space = json.dumps({"type": "subscribe", "space": population.space_slug})
    if not personal:
        return space
    return (space, json.dumps({"type": "subscribe", "space": "@me"}))


def run_once(generator: Generator, targets: list[Any], pid: int, window: float,
             warm: list[Any]) -> dict[str, Any]:
    # Warm up (first requests fill caches, the loop's first allocations) before the baseline.
    connect_all(generator, warm, CONCURRENCY)
    time.sleep(1.0)
    generator.ask("disconnect")
    time.sleep(2.0)
    rss_before = rss_bytes(pid)
    storm = connect_all(generator, targets, CONCURRENCY)
    time.sleep(SETTLE)
    rss_after = rss_bytes(pid)
    cpu_before = cpu_seconds(pid)
    started = time.monotonic()
    time.sleep(window)
    cpu = cpu_seconds(pid) - cpu_before
    elapsed = time.monotonic() - started
    closed = sum(len(lost) for lost in generator.ask("prune"))
    generator.ask("disconnect")
    n = max(storm["connected"], 1)
    return {"connected": storm["connected"], "closed_while_idle": closed,
            "connect_seconds": storm["seconds"],
            "rss_before_mb": rss_before / 2**20, "rss_after_mb": rss_after / 2**20,
            "kib_per_connection": (rss_after - rss_before) / n / 1024,
            "idle_core_percent": cpu / elapsed * 100}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.idle", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    common_args(parser, 5000)
    parser.add_argument("--window", type=float, default=20.0,
                        help="seconds of idleness over which CPU is measured")
    parser.add_argument("--no-personal", action="store_true",
                        help="subscribe to the space only, not to @me")
    args = parser.parse_args(argv)
    n = args.subscribers
    database_url, population = prepare(n + 100, args.database_url)
    hello = hellos(population, not args.no_personal)
    generator = Generator(2)
    results: dict[str, Any] = {}
    try:
        for server in [s for s in args.servers.split(",") if s]:
            print(f"\n== {server}", flush=True)
            runs = []
            for _ in range(args.repeat):
                # A fresh process per run: a second storm in the same one reuses the memory
                # the first freed, and its growth would say nothing.
                if server == "bare":
                    context = bare_server()
                else:
                    context = hub_servers(server, 1, args.redis_url, database_url,
                                          args.conn_max_age)
                with context as servers:
                    pid = servers.pids[0]
                    targets: list[Any]
                    if server == "bare":
                        url = f"ws://127.0.0.1:{servers.ports[0]}/sub"
                        targets = [(i, url, None, None) for i in range(n)]
                        warm = targets[:100]
                    else:
                        targets = targets_for(population, servers, list(range(n)), hello)
                        warm = targets_for(population, servers, list(range(n, n + 100)),
                                           hello)
                    run = run_once(generator, targets, pid, args.window, warm)
                    runs.append(run)
                    print(f"  {run['connected']}/{n} connected in {run['connect_seconds']:.1f} s;"
                          f" {run['kib_per_connection']:.1f} KiB per connection "
                          f"({run['rss_before_mb']:.0f} → {run['rss_after_mb']:.0f} MB); idle "
                          f"CPU {run['idle_core_percent']:.2f}% of a core; "
                          f"{run['closed_while_idle']} closed while idle", flush=True)
                    time.sleep(2.0)
            results[server] = {
                "runs": runs,
                "kib_per_connection": median_range([r["kib_per_connection"] for r in runs]),
                "idle_core_percent": median_range([r["idle_core_percent"] for r in runs]),
                "all_connected": all(r["connected"] == n and not r["closed_while_idle"]
                                     for r in runs),
            }
    finally:
        generator.close()
    print(f"\nIdle density, {n} subscribed connections on one process, median [range] of "
          f"{args.repeat}:")
    print(f"{'server':<8} {'KiB per connection':>22} {'idle CPU % of a core':>22} all")
    for name, r in results.items():
        print(f"{name:<8} {fmt(r['kib_per_connection'], 1):>22} "
              f"{fmt(r['idle_core_percent']):>22} {'yes' if r['all_connected'] else 'NO'}")
    write("idle", args, {"subscribers": n, "personal": not args.no_personal,
                         "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
