"""Connect storm: N subscribers open a websocket and subscribe to one space all at once.

    python -m bench.connect [--subscribers 1000] [--repeat 3] [--servers uvicorn,daphne,bare]

The hub runs as two server processes on Redis (tickets, Origin-free API clients); the bare
``websockets`` server of bench.fanout, one process, is the limit proxy of the same run (it
only accepts, there is nothing to subscribe to). Reported per server, as the median and range
of ``--repeat`` runs: seconds from the first connection attempt to the last ``subscribed``,
the servers' CPU over the storm, and the presence hints every subscriber received within a
second of the storm (how many frames and bytes per subscriber: they must not grow with N).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from bench.common import cpu_seconds
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

CONCURRENCY = 250  # per generator process: a storm, not a trickle
QUIET = 1.5  # seconds after the storm for the last presence hints to arrive


def run_once(generator: Generator, targets: list[Any], pids: list[int]) -> dict[str, Any]:
    generator.ask("reset", (0, 0))
    before = sum(cpu_seconds(p) for p in pids)
    storm = connect_all(generator, targets, CONCURRENCY)
    cpu_storm = sum(cpu_seconds(p) for p in pids) - before
    time.sleep(QUIET)
    snapshots = generator.ask("snapshot")
    n = max(storm["connected"], 1)
    presence_frames = sum(s["presence_frames"] for s in snapshots)
    presence_bytes = sum(s["presence_bytes"] for s in snapshots)
    generator.ask("disconnect")
    return {"seconds": storm["seconds"], "connected": storm["connected"],
            "failed": storm["failed"], "errors": storm["errors"],
            "server_cpu_s": cpu_storm,
            "presence_frames_per_subscriber": presence_frames / n,
            "presence_kb_per_subscriber": presence_bytes / n / 1024}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.connect", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    common_args(parser, 1000)
    args = parser.parse_args(argv)
    n = args.subscribers
    servers_wanted = [s for s in args.servers.split(",") if s]
    database_url, population = prepare(n, args.database_url)
    hello = json.dumps({"type": "subscribe", "space": population.space_slug})
    generator = Generator(2)
    results: dict[str, Any] = {}
    try:
        for server in servers_wanted:
            print(f"\n== {server}", flush=True)
            runs = []
            if server == "bare":
                context = bare_server()
            else:
                context = hub_servers(server, 2, args.redis_url, database_url,
                                      args.conn_max_age)
            with context as servers:
                for _ in range(args.repeat):
                    targets: list[Any]
                    if server == "bare":
                        port = servers.ports[0]
                        targets = [(i, f"ws://127.0.0.1:{port}/sub", None, None)
                                   for i in range(n)]
                    else:
                        targets = targets_for(population, servers, list(range(n)), hello)
                    run = run_once(generator, targets, servers.pids)
                    runs.append(run)
                    print(f"  {run['connected']}/{n} in {run['seconds']:.2f} s, server CPU "
                          f"{run['server_cpu_s']:.2f} s, presence "
                          f"{run['presence_frames_per_subscriber']:.1f} frames "
                          f"{run['presence_kb_per_subscriber']:.1f} KiB per subscriber"
                          + (f"; errors {run['errors']}" if run["failed"] else ""),
                          flush=True)
                    time.sleep(1.0)  # the hubs forget the departed before the next storm
            results[server] = {
                "processes": 1 if server == "bare" else 2, "runs": runs,
                "seconds": median_range([r["seconds"] for r in runs]),
                "server_cpu_s": median_range([r["server_cpu_s"] for r in runs]),
                "presence_frames_per_subscriber": median_range(
                    [r["presence_frames_per_subscriber"] for r in runs]),
                "all_connected": all(r["connected"] == n for r in runs),
            }
    finally:
        generator.close()
    print(f"\nConnect storm, {n} subscribers, median [range] of {args.repeat}:")
    print(f"{'server':<8} {'procs':>5} {'seconds':>20} {'server CPU s':>20} "
          f"{'presence frames/sub':>22} all")
    for name, r in results.items():
        print(f"{name:<8} {r['processes']:>5} {fmt(r['seconds']):>20} "
              f"{fmt(r['server_cpu_s']):>20} {fmt(r['presence_frames_per_subscriber'], 1):>22} "
              f"{'yes' if r['all_connected'] else 'NO'}")
    if "bare" in results:
        for name, r in results.items():
            if name != "bare":
                ratio = r["seconds"]["median"] / results["bare"]["seconds"]["median"]
                print(f"{name}/bare: {ratio:.1f}× the bare server's time")
    write("connect", args, {"subscribers": n, "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main())
