"""Idle density: what N idle subscribed websockets cost one server process.

    python -m bench.idle [--subscribers 5000] [--window 20] [--repeat 3]
                         [--servers uvicorn,daphne,bare] [--no-personal] [--trace]

One hub process (the product under uvicorn or daphne), N connections each subscribed to one
space and, like a browser page, to its own ``@me`` stream; then nothing happens. Reported:
resident memory per connection (the process's growth from a warmed-up idle state, divided by
N) and the CPU the process spends while they sit idle (the audit tick, the presence
heartbeat, the channel layer), as a percentage of one core over ``--window`` seconds. The
bare ``websockets`` server holding the same N connections is the floor for memory.

``--trace`` runs uvicorn under tracemalloc (``bench.traced``) and prints what the storm left
allocated, per connection, by source line and by file: where the memory goes. ``--profile``
runs it under cProfile and a stack sampler over the idle window: where the idle CPU goes.
Tracing and profiling cost memory and time of their own, so those runs say where, never how
much.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.common import cpu_seconds, free_port, rss_bytes
from bench.fanout import LOGS, Generator, Servers, hub_command, hub_env, start_servers
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


@contextlib.contextmanager
def traced_server(redis_url: str, database_url: str, conn_max_age: int) -> Iterator[Servers]:
    """One hub process under uvicorn with tracemalloc, snapshots on SIGUSR1, profiles on
    SIGUSR2."""
    port = free_port()
    command = hub_command("uvicorn", port)
    command[command.index("uvicorn")] = "bench.traced"
    out = LOGS / f"trace-{port}"
    env = hub_env(redis_url, database_url, conn_max_age, BENCH_TRACE_OUT=str(out))
    with start_servers([command], [port], env, "traced") as servers:
        yield servers


def snapshot(pid: int, port: int, number: int) -> tracemalloc.Snapshot:
    """Ask the traced server for its ``number``-th snapshot and load it."""
    os.kill(pid, signal.SIGUSR1)
    done = LOGS / f"trace-{port}.{number}.done"
    deadline = time.monotonic() + 120
    while not done.exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the traced server wrote no snapshot")
        time.sleep(0.2)
    loaded = tracemalloc.Snapshot.load(str(done))
    done.unlink()
    return loaded


def profiled(pid: int, port: int, window: float) -> str:
    """Profile the traced server for ``window`` seconds and return what it wrote."""
    os.kill(pid, signal.SIGUSR2)
    time.sleep(window)
    os.kill(pid, signal.SIGUSR2)
    done = LOGS / f"trace-{port}.profile.done"
    deadline = time.monotonic() + 60
    while not done.exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the traced server wrote no profile")
        time.sleep(0.2)
    text = done.read_text()
    done.unlink()
    return text


def thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds of the event loop's thread (the process's first) and of the others (the
    database threads, mostly)."""
    seconds = {"loop": 0.0, "threads": 0.0}
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError):
                name = "loop" if task == str(pid) else "threads"
                seconds[name] += cpu_seconds_of(f"/proc/{pid}/task/{task}")
    return seconds


def cpu_seconds_of(path: str) -> float:
    with open(f"{path}/stat") as stat:
        raw = stat.read()
    fields = raw[raw.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def where(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, n: int) -> list[str]:
    """What the storm left allocated, in bytes per connection, by line and by file."""
    lines = []
    for group in ("lineno", "filename"):
        stats = after.compare_to(before, group)
        total = sum(s.size_diff for s in stats)
        lines.append(f"  traced growth {total / n:.0f} B per connection, by {group}:")
        for stat in stats[:25 if group == "lineno" else 15]:
            if stat.size_diff <= 0:
                break
            frame = stat.traceback[0]
            place = (f"{Path(frame.filename).name}:{frame.lineno}" if group == "lineno"
                     else frame.filename.split("site-packages/")[-1])
            lines.append(f"    {stat.size_diff / n:8.0f} B  {stat.count_diff / n:6.2f} blocks  "
                         f"{place}")
    return lines


def run_once(generator: Generator, targets: list[Any], pid: int, window: float,
             warm: list[Any], trace_port: int | None = None,
             settle: float = SETTLE, profile: bool = False) -> dict[str, Any]:
    # Warm up (first requests fill caches, the loop's first allocations) before the baseline.
    connect_all(generator, warm, CONCURRENCY)
    time.sleep(1.0)
    generator.ask("disconnect")
    time.sleep(2.0)
    before = snapshot(pid, trace_port, 1) if trace_port and not profile else None
    rss_before = rss_bytes(pid)
    storm = connect_all(generator, targets, CONCURRENCY)
    time.sleep(settle)
    rss_after = rss_bytes(pid)
    if before is not None:
        after = snapshot(pid, trace_port, 2)  # type: ignore[arg-type]
        print("\n".join(where(before, after, max(storm["connected"], 1))),
              flush=True)
    cpu_before = cpu_seconds(pid)
    threads_before = thread_cpu(pid)
    started = time.monotonic()
    if profile and trace_port:
        print(profiled(pid, trace_port, window), flush=True)
    else:
        time.sleep(window)
    cpu = cpu_seconds(pid) - cpu_before
    elapsed = time.monotonic() - started
    threads = thread_cpu(pid)
    split = {name: (threads[name] - threads_before.get(name, 0.0)) / elapsed * 100
             for name in threads}
    closed = sum(len(lost) for lost in generator.ask("prune"))
    generator.ask("disconnect")
    n = max(storm["connected"], 1)
    return {"connected": storm["connected"], "closed_while_idle": closed,
            "connect_seconds": storm["seconds"],
            "rss_before_mb": rss_before / 2**20, "rss_after_mb": rss_after / 2**20,
            "kib_per_connection": (rss_after - rss_before) / n / 1024,
            "idle_core_percent": cpu / elapsed * 100,
            "idle_core_percent_by_thread": {k: round(v, 2) for k, v in split.items() if v}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.idle", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    common_args(parser, 5000)
    parser.add_argument("--window", type=float, default=20.0,
                        help="seconds of idleness over which CPU is measured")
    parser.add_argument("--no-personal", action="store_true",
                        help="subscribe to the space only, not to @me")
    parser.add_argument("--settle", type=float, default=SETTLE,
                        help="seconds between the storm and the idle window (a long storm "
                             "leaves a tail of presence flushes and audits)")
    parser.add_argument("--trace", action="store_true",
                        help="uvicorn under tracemalloc: print where the memory goes")
    parser.add_argument("--profile", action="store_true",
                        help="uvicorn under cProfile and a sampler over the idle window: "
                             "print where the CPU goes")
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
                elif args.trace or args.profile:
                    if server != "uvicorn":
                        raise SystemExit("--trace and --profile trace uvicorn only")
                    context = traced_server(args.redis_url, database_url, args.conn_max_age)
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
                    run = run_once(generator, targets, pid, args.window, warm,
                                   servers.ports[0] if args.trace or args.profile else None,
                                   args.settle, args.profile)
                    runs.append(run)
                    print(f"  {run['connected']}/{n} connected in {run['connect_seconds']:.1f} s;"
                          f" {run['kib_per_connection']:.1f} KiB per connection "
                          f"({run['rss_before_mb']:.0f} → {run['rss_after_mb']:.0f} MB); idle "
                          f"CPU {run['idle_core_percent']:.2f}% of a core; "
                          f"{run['closed_while_idle']} closed while idle; by thread "
                          f"{run['idle_core_percent_by_thread']}", flush=True)
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
