"""Server CPU per API post, this tree beside a baseline revision, in the same run.

    python -m bench.post [--baseline REV] [--posts 800] [--concurrency 1,8] [--repeat 2]

One uvicorn process per side (the baseline checked out in a temporary git worktree), the same
PostgreSQL database, Redis for its notifications, no websocket subscriber: what the post
itself costs the server, the HTTP handler included. For each concurrency (posters sending
one after another, or that many at once) the bench sends ``--posts`` messages after a
warm-up and reads the server's user and system CPU from /proc. Sides alternate within each
repeat; the report gives medians, ranges and the ratio current/baseline. The deterministic
pins (queries and Python calls per post) are tests: ``tests/collab/test_post_budget.py``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.common import free_port, wait_for_port
from bench.dataset import populate, prepare_database, setup_django
from bench.fanout import LOGS, RESULTS, hub_command, hub_env

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# The last tree whose post wrote in a transaction of its own (kept reads and inserts): the
# one-statement write is compared against it unless another is asked for.
DEFAULT_BASELINE = "cc4ef12"


def cpu(pid: int) -> tuple[float, float]:
    raw = Path(f"/proc/{pid}/stat").read_text()
    fields = raw[raw.rindex(")") + 2:].split()
    return int(fields[11]) / CLOCK_TICKS, int(fields[12]) / CLOCK_TICKS


def measure(tree: Path, env: dict[str, str], population: Any, args: argparse.Namespace,
            ids: Any) -> dict[str, dict[str, float]]:
    import requests

    port = free_port()
    LOGS.mkdir(parents=True, exist_ok=True)
    with open(LOGS / f"post-{port}.log", "wb") as log:
        server = subprocess.Popen(hub_command("uvicorn", port), cwd=tree, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            wait_for_port(port, server, timeout=60)
            url = f"http://127.0.0.1:{port}/api/v1/threads/{population.thread_id}/messages"
            headers = {"Authorization": f"Bearer {population.poster_token}"}
            local = threading.local()

            def post(_: int = 0) -> None:
                session = getattr(local, "session", None)
                if session is None:
                    session = local.session = requests.Session()
                n = next(ids)
                answer = session.post(url, json={"body": f"Message {n} du banc",
                                                 "client_id": f"post-{n}"},
                                      headers=headers, timeout=30)
                if answer.status_code != 201:
                    raise RuntimeError(f"{answer.status_code} {answer.text[:200]}")

            for _ in range(50):
                post()
            figures = {}
            for concurrency in args.concurrency:
                user0, system0 = cpu(server.pid)
                began = time.monotonic()
                with ThreadPoolExecutor(concurrency) as pool:
                    list(pool.map(post, range(args.posts)))
                wall = time.monotonic() - began
                user1, system1 = cpu(server.pid)
                figures[str(concurrency)] = {
                    "user_ms": (user1 - user0) / args.posts * 1000,
                    "system_ms": (system1 - system0) / args.posts * 1000,
                    "cpu_ms": (user1 - user0 + system1 - system0) / args.posts * 1000,
                    "wall_ms": wall / args.posts * 1000,
                }
            return figures
        finally:
            server.terminate()
            server.wait(timeout=10)


def summary(runs: dict[str, list[dict[str, dict[str, float]]]],
            concurrency: list[int]) -> list[str]:
    lines = []
    for level in map(str, concurrency):
        lines.append(f"posters at once: {level}")
        medians = {}
        for side, figures in runs.items():
            cells = []
            for key in ("cpu_ms", "user_ms", "system_ms", "wall_ms"):
                values = [run[level][key] for run in figures]
                medians[(side, key)] = statistics.median(values)
                cells.append(f"{key[:-3]} {statistics.median(values):.2f} "
                             f"[{min(values):.2f}-{max(values):.2f}]")
            lines.append(f"  {side:<9} ms per post: " + ", ".join(cells))
        ratio = medians[("current", "cpu_ms")] / medians[("baseline", "cpu_ms")]
        lines.append(f"  current/baseline CPU per post: {ratio:.2f}x")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.post", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", default=DEFAULT_BASELINE)
    parser.add_argument("--posts", type=int, default=800)
    parser.add_argument("--concurrency", default=[1, 8],
                        type=lambda s: [int(c) for c in s.split(",") if c])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL",
                                                              "redis://127.0.0.1:6379/0"))
    args = parser.parse_args(argv)

    database_url, how = prepare_database(
        os.environ.get("BENCH_POST_DATABASE_URL",
                       "postgres://postgres@127.0.0.1:5432/bench_post"))
    setup_django(database_url)
    population = populate(5)
    env = hub_env(args.redis_url, database_url, 60)
    print(f"database: {how}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="bench-post-"))
    baseline_tree = work / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", "-q", str(baseline_tree),
                    args.baseline], cwd=ROOT, check=True)
    ids = itertools.count()
    runs: dict[str, list[dict[str, dict[str, float]]]] = {"baseline": [], "current": []}
    try:
        for repeat in range(args.repeat):
            for side, tree in (("baseline", baseline_tree), ("current", ROOT)):
                figures = measure(tree, env, population, args, ids)
                runs[side].append(figures)
                print(f"run {repeat + 1} {side}: " + json.dumps(
                    {k: {m: round(v, 2) for m, v in f.items()} for k, f in figures.items()}),
                    flush=True)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(baseline_tree)], cwd=ROOT,
                       check=False)
        shutil.rmtree(work, ignore_errors=True)
    lines = summary(runs, args.concurrency)
    print("\n".join(lines))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"post-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"baseline": args.baseline, "posts": args.posts, "runs": runs,
                               "summary": lines}, indent=2))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
