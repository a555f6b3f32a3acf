"""What the storm benches (connect, reconnect, idle) share: the database and its people, the
hub servers under daphne or uvicorn, the bare ``websockets`` server beside them, medians."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import subscribers
from bench.common import free_port
from bench.fanout import (
    GENERATORS,
    RESULTS,
    Generator,
    Servers,
    hub_command,
    hub_env,
    server_env,
    start_servers,
    versions,
)


def common_args(parser: argparse.ArgumentParser, subscribers_default: int) -> None:
    parser.add_argument("--subscribers", type=int, default=subscribers_default)
    parser.add_argument("--repeat", type=int, default=3, help="runs per server (median)")
    parser.add_argument("--servers", default="uvicorn,daphne",
                        help="comma-separated: uvicorn, daphne, bare")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL",
                                                              "redis://127.0.0.1:6379/0"))
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="a name starting with bench_ is recreated")
    parser.add_argument("--conn-max-age", type=int, default=60)
    parser.add_argument("--json-out", type=Path)


def prepare(n: int, database_url: str | None) -> tuple[str, Any]:
    from bench.dataset import populate, prepare_database, setup_django

    url, how = prepare_database(database_url)
    # The benches post the events clients miss from this process, faster than a person would.
    os.environ["POST_RATE_LIMIT"] = "0"
    setup_django(url)
    population = populate(n)
    print(f"database: {how}; {n} subscribers in space {population.space_slug}", flush=True)
    return url, population


@contextlib.contextmanager
def hub_servers(server: str, count: int, redis_url: str, database_url: str,
                conn_max_age: int, **extra: str) -> Iterator[Servers]:
    ports = [free_port() for _ in range(count)]
    env = hub_env(redis_url, database_url, conn_max_age, **extra)
    with start_servers([hub_command(server, port) for port in ports], ports, env,
                       f"storm-{server}") as servers:
        yield servers


@contextlib.contextmanager
def bare_server() -> Iterator[Servers]:
    port = free_port()
    command = [sys.executable, "-m", "bench.bare_server", "--port", str(port)]
    with start_servers([command], [port], server_env({}), "bare") as servers:
        yield servers


def targets_for(population: Any, servers: Servers, indices: list[int],
                hello: Any, expect: bytes | None = b'"subscribed"') -> list[subscribers.Target]:
    """Subscriber i on server i % servers, each with its own single-use ticket."""
    from bench.dataset import issue_tickets

    tickets = issue_tickets([population.subscriber_ids[i] for i in indices])
    ports = servers.ports
    return [(i, f"ws://127.0.0.1:{ports[i % len(ports)]}/ws/?ticket={ticket}",
             hello(i) if callable(hello) else hello, expect)
            for i, ticket in zip(indices, tickets, strict=True)]


def connect_all(generator: Generator, targets: list[subscribers.Target], concurrency: int,
                spread: float = 0.0) -> dict[str, Any]:
    """Open every target from the generator processes at once; seconds from the first
    start to the last subscribed."""
    shares = [targets[k::GENERATORS] for k in range(GENERATORS)]
    answers = generator.ask_each("connect", [(share, concurrency, 60.0, spread)
                                             for share in shares], timeout=300)
    return {"connected": sum(a["connected"] for a in answers),
            "failed": sum(len(a["failed"]) for a in answers),
            "errors": [e for a in answers for e in a["errors"]][:3],
            "started": min(a["started"] for a in answers),
            "seconds": max(a["ended"] for a in answers) - min(a["started"] for a in answers)}


def database_cpu() -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving the bench's database (the
    servers' pooled connections and the bench's own): what a storm costs the database, on
    the same two cores. Backends of other databases, other people's work, are left out."""
    from django.db import connection

    from bench.common import cpu_seconds

    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        return {pid: cpu_seconds(pid) for (pid,) in cursor.fetchall()} if (
            connection.vendor == "postgresql") else {}


def database_cpu_since(before: dict[int, float]) -> float:
    """CPU of the database's backends since ``before`` (a backend that started meanwhile
    counts whole; one that ended meanwhile is lost, which the servers' pools make rare)."""
    now = database_cpu()
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in now.items())


def median_range(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def fmt(stats: dict[str, float], digits: int = 2) -> str:
    return (f"{stats['median']:.{digits}f} [{stats['min']:.{digits}f}–"
            f"{stats['max']:.{digits}f}]")


def write(name: str, args: argparse.Namespace, document: dict[str, Any]) -> Path:
    out = args.json_out or RESULTS / f"{name}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    out.write_text(json.dumps({
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
                 if k != "database_url"},
        "machine": {"cpus": os.cpu_count(), "loadavg_at_end": load},
        "versions": versions(), **document}, indent=2, ensure_ascii=False))
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print(f"results: {out}")
    return out


def settle(seconds: float) -> None:
    time.sleep(seconds)
