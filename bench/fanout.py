"""Fan-out benchmark: N websocket subscribers in one space, messages posted at rising rates.

    python -m bench.fanout [--subscribers 1000] [--duration 5] [--rates 5,10,20]
                           [--only hub-daphne] [--profile] [--hog 0.5]

Four servers face the same load generator:

* ``baseline``: the Channels-tutorial design (bench/baseline), daphne, one process;
* ``bare``: a bare ``websockets`` server broadcasting each frame once-encoded, one process;
* ``hub-daphne`` / ``hub-uvicorn``: the product, two server processes on Redis, posting
  through the real HTTP API.

For each step the generator posts ``rate`` messages per second for ``duration`` seconds and
waits for every subscriber to have every message (or the drain timeout). A step passes with
zero loss, no duplicate and a p99 post-to-last-recipient latency of at most 100 ms (the
baseline is judged on loss alone, whatever its latency). Rates rise until a step fails.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from importlib import metadata
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bench import subscribers
from bench.common import (
    body_for,
    cpu_seconds,
    free_port,
    percentile,
    realistic_body_for,
    rss_bytes,
    wait_for_port,
)
from realtime.frames import PROTOCOL_V2

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LOGS = ROOT / "var" / "bench"
SCENARIOS = ["baseline", "bare", "hub-daphne", "hub-uvicorn"]
DEFAULT_RATES = {
    "baseline": [1, 2, 3, 4, 5, 6, 8, 10],
    "bare": [10, 20, 30, 40, 50, 60, 70, 80, 100],
    "hub-daphne": [1, 2, 5, 10, 20, 30, 40, 60],
    "hub-uvicorn": [1, 2, 5, 10, 20, 30, 40, 60],
}
P99_LIMIT_MS = 100.0
# Compressing each ~400-byte frame once per connection costs more CPU than it saves in bytes.
UVICORN_WS_OPTIONS = os.environ.get(
    "BENCH_UVICORN_WS", "--ws-per-message-deflate false").split()
GENERATORS = 2


# --- load-generator processes -----------------------------------------------------------------
class Generator:
    """The subscriber processes, driven over pipes; they outlive the scenarios."""

    def __init__(self, count: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Connection] = []
        self.processes: list[Any] = []
        for _ in range(count):
            parent, child = context.Pipe()
            process = context.Process(target=subscribers.main, args=(child,), daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    def ask(self, command: str, argument: Any = None, timeout: float = 120) -> list[Any]:
        for pipe in self.pipes:
            pipe.send((command, argument))
        answers = []
        for pipe in self.pipes:
            if not pipe.poll(timeout):
                raise TimeoutError(f"generator did not answer {command!r} in {timeout}s")
            answers.append(pipe.recv())
        return answers

    def ask_each(self, command: str, arguments: list[Any], timeout: float = 120) -> list[Any]:
        for pipe, argument in zip(self.pipes, arguments, strict=True):
            pipe.send((command, argument))
        answers = []
        for pipe in self.pipes:
            if not pipe.poll(timeout):
                raise TimeoutError(f"generator did not answer {command!r} in {timeout}s")
            answers.append(pipe.recv())
        return answers

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ask("exit", timeout=10)
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()


# --- servers -----------------------------------------------------------------------------------
@dataclass
class Servers:
    ports: list[int]
    processes: list[subprocess.Popen[bytes]]

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]


@contextlib.contextmanager
def start_servers(commands: list[list[str]], ports: list[int], env: dict[str, str],
                  label: str) -> Iterator[Servers]:
    LOGS.mkdir(parents=True, exist_ok=True)
    processes: list[subprocess.Popen[bytes]] = []
    logs = []
    try:
        for command, port in zip(commands, ports, strict=True):
            log = open(LOGS / f"{label}-{port}.log", "wb")  # noqa: SIM115
            logs.append(log)
            processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                              stderr=subprocess.STDOUT))
        for process, port in zip(processes, ports, strict=True):
            wait_for_port(port, process, timeout=60)
        yield Servers(ports=ports, processes=processes)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        for log in logs:
            log.close()


# --- posters -----------------------------------------------------------------------------------
@dataclass
class Posted:
    sent: dict[int, float]
    failures: int = 0
    failure_samples: list[str] = field(default_factory=list)
    #: Time from the first to the last send; longer than planned means the poster lagged.
    spread: float = 0.0
    post_seconds: list[float] = field(default_factory=list)


Poster = Callable[[list[int], float], Posted]


def _schedule(ids: list[int], rate: float, send: Callable[[int], None]) -> None:
    start = time.monotonic() + 0.02
    for k, message_id in enumerate(ids):
        delay = start + k / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        send(message_id)


def http_poster(bases: list[str], token: str, thread_id: int, workers: int = 16,
                body: Callable[[int], str] = body_for) -> Poster:
    """Posts through the real API, alternating between the server processes the way a load
    balancer would. A pool of keep-alive sessions keeps a slow answer from delaying the
    next post: the schedule is open-loop."""
    import requests

    local = threading.local()
    pool = ThreadPoolExecutor(max_workers=workers)
    headers = {"Authorization": f"Bearer {token}"}

    def post(ids: list[int], rate: float) -> Posted:
        result = Posted(sent={})
        lock = threading.Lock()

        def one(message_id: int) -> None:
            session = getattr(local, "session", None)
            if session is None:
                session = local.session = requests.Session()
            url = f"{bases[message_id % len(bases)]}/api/v1/threads/{thread_id}/messages"
            payload = {"body": body(message_id), "client_id": f"bench-{message_id}"}
            began = time.monotonic()
            result.sent[message_id] = began
            try:
                response = session.post(url, json=payload, headers=headers, timeout=15)
                ok = response.status_code == 201
                detail = f"{response.status_code} {response.text[:120]}"
            except Exception as error:
                ok, detail = False, repr(error)
            with lock:
                result.post_seconds.append(time.monotonic() - began)
                if not ok:
                    result.failures += 1
                    if len(result.failure_samples) < 3:
                        result.failure_samples.append(detail)

        futures = []
        _schedule(ids, rate, lambda mid: futures.append(pool.submit(one, mid)))
        for future in futures:
            future.result(timeout=60)
        times = sorted(result.sent.values())
        result.spread = times[-1] - times[0] if times else 0.0
        return result

    return post


def ws_poster(url: str, frame_for: Callable[[int], str]) -> Poster:
    """Posts over one websocket, as the tutorial's chat page does."""
    import asyncio

    from websockets.asyncio.client import connect

    def post(ids: list[int], rate: float) -> Posted:
        result = Posted(sent={})

        async def run() -> None:
            async with connect(url, compression=None, ping_interval=None) as ws:
                start = time.monotonic() + 0.02
                for k, message_id in enumerate(ids):
                    delay = start + k / rate - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    result.sent[message_id] = time.monotonic()
                    await ws.send(frame_for(message_id))

        try:
            asyncio.run(run())
        except Exception as error:
            result.failures = len(ids) - len(result.sent)
            result.failure_samples.append(repr(error))
        times = sorted(result.sent.values())
        result.spread = times[-1] - times[0] if times else 0.0
        return result

    return post


# --- one step ------------------------------------------------------------------------------------
@dataclass
class Step:
    scenario: str
    rate: float
    messages: int
    subscribers: int
    expected: int
    received: int
    loss: int
    duplicates: int
    short_connections: int
    #: Connections that got every message of the step exactly once.
    exact_connections: int
    #: Messages that did not reach every subscriber exactly once in all.
    incomplete_messages: int
    deliveries_per_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    mean_delivery_ms: float
    server_cores: float
    server_us_per_delivery: float
    generator_cores: float
    generator_max_process_cores: float
    #: CPU of the subscriber processes alone (not the parent, which posts) per received frame.
    generator_us_per_frame: float
    post_failures: int
    poster_lag_s: float
    post_p99_ms: float
    other_frames: int
    #: Frames that carried several events (``batch``): each of their events counts in
    #: ``received`` as a delivery of its own.
    batch_frames: int
    #: Frames that came after a higher message id on their connection (not a failure: the
    #: hub's posters run concurrently, so ids need not reach the server in order).
    out_of_order: int
    drain_s: float
    passed: bool
    why: str
    notes: list[str] = field(default_factory=list)


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.generator = Generator(GENERATORS)
        self.next_id = 1_000_000

    def connect(self, n: int, make: Callable[[list[int]], list[subscribers.Target]],
                settle: float, protocol: str | None = None) -> dict[str, Any]:
        """Connect subscribers 0..n-1 (asking for the websocket subprotocol ``protocol``, if
        given), then wait ``settle`` seconds and retry, with fresh targets, those that
        failed or that the server closed meanwhile."""
        pending = list(range(n))
        rounds = []
        started = time.monotonic()
        for _attempt in range(5):
            targets = make(pending)
            # Subscriber i is on server i % servers; interleaving the list over the generator
            # processes gives each generator the same share of every server.
            shares = [targets[k::GENERATORS] for k in range(GENERATORS)]
            answers = self.generator.ask_each(
                "connect", [(share, 50, 60.0, 0.0, protocol) for share in shares],
                timeout=180)
            failed = [i for a in answers for i in a["failed"]]
            time.sleep(settle)
            closed = [i for lost in self.generator.ask("prune") for i in lost]
            rounds.append({"tried": len(targets), "failed": len(failed),
                           "closed_after_subscribing": len(closed),
                           "errors": [e for a in answers for e in a["errors"]][:3]})
            print(f"  connect round: {rounds[-1]}", flush=True)
            pending = sorted(failed + closed)
            if not pending:
                break
        return {"connected": n - len(pending), "rounds": rounds,
                "seconds": time.monotonic() - started}

    def step(self, scenario: str, rate: float, duration: float, poster: Poster,
             server_pids: list[int], subscribers_count: int, latency_bound: bool,
             drain: float) -> Step:
        count = max(1, round(rate * duration))
        ids = list(range(self.next_id, self.next_id + count))
        self.next_id += count + 1000
        self.generator.ask("reset", (ids[0], ids[-1] + 1))
        generator_pids = [*self.generator.pids, os.getpid()]
        server_before = sum(cpu_seconds(p) for p in server_pids)
        generator_before = {p: cpu_seconds(p) for p in generator_pids}
        began = time.monotonic()
        posted = poster(ids, rate)
        expected = count * subscribers_count
        deadline = time.monotonic() + drain
        while time.monotonic() < deadline:
            if sum(self.generator.ask("total")) >= expected:
                break
            time.sleep(0.02)
        ended = time.monotonic()
        server_cpu = sum(cpu_seconds(p) for p in server_pids) - server_before
        generator_cpu = {p: cpu_seconds(p) - generator_before[p] for p in generator_pids}
        snapshots = self.generator.ask("snapshot")

        merged: dict[int, list[float]] = {}
        counts: list[int] = []
        sums: list[int] = []
        other = 0
        batch_frames = 0
        out_of_order = 0
        notes: list[str] = []
        for snap in snapshots:
            counts.extend(snap["counts"])
            sums.extend(snap["sums"])
            other += snap["other_frames"]
            batch_frames += snap.get("batch_frames", 0)
            out_of_order += snap["out_of_order"]
            notes.extend(snap["other_samples"][:2])
            if snap["closed_early"]:
                notes.append(f"{snap['closed_early']} subscriber connections closed")
            for message_id, (n, first, last, total) in snap["seen"].items():
                record = merged.get(message_id)
                if record is None:
                    merged[message_id] = [n, first, last, total]
                else:
                    record[0] += n
                    record[1] = min(record[1], first)
                    record[2] = max(record[2], last)
                    record[3] += total
        received = sum(counts)
        duplicates = sum(max(0, c - count) for c in counts)
        short = sum(1 for c in counts if c < count) + (subscribers_count - len(counts))
        id_sum = sum(ids)
        exact = sum(1 for c, t in zip(counts, sums, strict=True) if c == count and t == id_sum)
        incomplete = sum(1 for m in ids if m not in merged or merged[m][0] != subscribers_count)
        last_ms = [(merged[m][2] - posted.sent[m]) * 1000 for m in ids
                   if m in merged and m in posted.sent]
        delivered = sum(merged[m][0] for m in ids if m in merged and m in posted.sent)
        total_latency = sum(merged[m][3] - merged[m][0] * posted.sent[m] for m in ids
                            if m in merged and m in posted.sent)
        loss = expected - (received - duplicates)
        window = count / rate
        p99 = percentile(last_ms, 0.99)
        lag = max(0.0, posted.spread - (count - 1) / rate)
        why = []
        if loss:
            why.append(f"loss {loss}")
        if duplicates:
            # Exactly once is the contract: an event received twice fails the step as a lost
            # one does (the baseline servers cannot duplicate; the hub could, under load).
            why.append(f"{duplicates} duplicates")
        if posted.failures:
            why.append(f"{posted.failures} posts failed")
        if latency_bound and not p99 <= P99_LIMIT_MS:
            why.append(f"p99 {p99:.0f} ms > {P99_LIMIT_MS:.0f}")
        if lag > 0.1 * window + 0.05:
            why.append(f"poster lagged {lag:.2f} s")
        return Step(
            scenario=scenario, rate=rate, messages=count, subscribers=subscribers_count,
            expected=expected, received=received, loss=loss, duplicates=duplicates,
            short_connections=short, exact_connections=exact, incomplete_messages=incomplete,
            deliveries_per_s=received / window,
            p50_ms=percentile(last_ms, 0.5), p99_ms=p99, max_ms=max(last_ms, default=float("nan")),
            mean_delivery_ms=total_latency / delivered * 1000 if delivered else float("nan"),
            server_cores=server_cpu / (ended - began),
            server_us_per_delivery=server_cpu / received * 1e6 if received else float("nan"),
            generator_cores=sum(generator_cpu.values()) / (ended - began),
            generator_max_process_cores=max(generator_cpu.values()) / (ended - began),
            generator_us_per_frame=(sum(generator_cpu[p] for p in self.generator.pids)
                                    / received * 1e6 if received else float("nan")),
            post_failures=posted.failures, poster_lag_s=lag,
            post_p99_ms=percentile(posted.post_seconds, 0.99) * 1000,
            other_frames=other, batch_frames=batch_frames, out_of_order=out_of_order,
            drain_s=ended - began - window,
            passed=not why,
            why=", ".join(why), notes=notes + posted.failure_samples,
        )

    def ramp(self, scenario: str, poster: Poster, server_pids: list[int], subscribers_count: int,
             latency_bound: bool) -> list[Step]:
        args = self.args
        # Warm-up: first post, first group join, first database connection of each thread.
        warm = self.step(scenario, 2, 1.5, poster, server_pids, subscribers_count, False,
                         args.drain)
        print(f"  warm-up: {warm.received}/{warm.expected} frames, p99 {warm.p99_ms:.0f} ms",
              flush=True)
        steps: list[Step] = []
        failures = 0
        for rate in args.rates or DEFAULT_RATES[scenario]:
            step = self.step(scenario, rate, args.duration, poster, server_pids,
                             subscribers_count, latency_bound, args.drain)
            steps.append(step)
            print("  " + row(step), flush=True)
            if not step.passed:
                failures += 1
                # Past a loss the server is saturated; latency-only failures still say how
                # much it carries without loss, so a few more steps are worth their time.
                if step.loss or step.post_failures or failures >= args.stop_after_failures:
                    break
            time.sleep(0.5)
        return steps


# --- scenarios -----------------------------------------------------------------------------------
def server_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    return {**env, "PYTHONUNBUFFERED": "1", **extra}


def hub_command(server: str, port: int) -> list[str]:
    """The product under ``daphne`` (what ``make run`` starts) or ``uvicorn``."""
    if server == "daphne":
        # Twisted listens with a backlog of 50: a storm of handshakes overflows it and the
        # kernel resets the rest (uvicorn and the bare server ask for 2048). No access log,
        # as for uvicorn.
        return [sys.executable, "-m", "daphne", "-v", "0", "-e",
                f"tcp:port={port}:interface=127.0.0.1:backlog=2048", "collab.asgi:application"]
    return [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port),
            "--log-level", "warning", "--no-access-log", "--lifespan", "off",
            *UVICORN_WS_OPTIONS, "collab.asgi:application"]


def hub_env(redis_url: str, database_url: str, conn_max_age: int,
            **extra: str) -> dict[str, str]:
    return server_env({
        "DATABASE_URL": database_url, "REDIS_URL": redis_url,
        # Production settings: DEBUG off (no query log), no HTTPS redirect on loopback.
        "DEBUG": "false", "SECRET_KEY": "bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "POST_RATE_LIMIT": "0",  # one poster sends far more than a person would
        # Both servers must use the same names on Redis, whoever started the bench.
        "CHANNEL_LAYER_PREFIX": f"bench{os.getpid()}",
        "DATABASE_CONN_MAX_AGE": os.environ.get("DATABASE_CONN_MAX_AGE", str(conn_max_age)),
        **extra,
    })


def run_bare(bench: Bench, n: int) -> dict[str, Any]:
    port = free_port()
    command = [sys.executable, "-m", "bench.bare_server", "--port", str(port)]
    with start_servers([command], [port], server_env({}), "bare") as servers:
        link = bench.connect(n, lambda ids: [(i, f"ws://127.0.0.1:{port}/sub", None, None)
                                             for i in ids], settle=0.3)
        print(f"  {link['connected']}/{n} connected in {link['seconds']:.1f} s", flush=True)
        poster = ws_poster(f"ws://127.0.0.1:{port}/post", body_for)
        time.sleep(0.3)  # the server registers a connection just after its handshake
        steps = bench.ramp("bare", poster, servers.pids, n, latency_bound=True)
        bench.generator.ask("disconnect")
    return {"connect": link, "steps": steps, "processes": 1, "server": "websockets"}


def run_baseline(bench: Bench, n: int, redis_url: str) -> dict[str, Any]:
    port = free_port()
    command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
               "bench.baseline.asgi:application"]
    env = server_env({"DJANGO_SETTINGS_MODULE": "bench.baseline.settings",
                      "REDIS_URL": redis_url})
    _flush_redis(redis_url)
    with start_servers([command], [port], env, "baseline") as servers:
        link = bench.connect(n, lambda ids: [(i, f"ws://127.0.0.1:{port}/ws/room/", None, None)
                                             for i in ids], settle=0.3)
        print(f"  {link['connected']}/{n} connected in {link['seconds']:.1f} s", flush=True)
        poster = ws_poster(f"ws://127.0.0.1:{port}/ws/room/?post=1",
                           lambda mid: json.dumps({"message": body_for(mid)}))
        steps = bench.ramp("baseline", poster, servers.pids, n, latency_bound=False)
        bench.generator.ask("disconnect")
    return {"connect": link, "steps": steps, "processes": 1, "server": "daphne"}


def _flush_redis(redis_url: str) -> None:
    """The core layer keeps per-channel queues and group sets for a minute or a day: a
    previous run's leftovers must not count against this one."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter("asgi*"):
        client.delete(key)
    client.close()


def run_hub(bench: Bench, n: int, server: str, redis_url: str, database_url: str,
            population: Any, profile: bool) -> dict[str, Any]:
    from bench.dataset import issue_tickets

    ports = [free_port(), free_port()]
    commands = [hub_command(server, port) for port in ports]
    env = hub_env(redis_url, database_url, bench.args.conn_max_age)
    label = f"hub-{server}"
    with start_servers(commands, ports, env, label) as servers:
        hello = json.dumps({"type": "subscribe", "space": population.space_slug})

        def make(ids: list[int]) -> list[subscribers.Target]:
            tickets = issue_tickets([population.subscriber_ids[i] for i in ids])
            return [(i, f"ws://127.0.0.1:{ports[i % 2]}/ws/?ticket={ticket}", hello,
                     b'"subscribed"') for i, ticket in zip(ids, tickets, strict=True)]

        # Two audit ticks: the hub's audit may close links that attached while it queried.
        idle = sum(rss_bytes(pid) for pid in servers.pids)
        # As the browser client does: the protocol version that lets the hub send the events
        # waiting for a stream as one frame (each event in it counts as a delivery).
        link = bench.connect(n, make, settle=2.5, protocol=PROTOCOL_V2)
        # Memory a subscribed connection costs, for sizing: the servers' growth over the
        # connect round (it also holds whatever the first requests cached, so it errs high).
        link["rss_idle_mb"] = round(idle / 2**20, 1)
        link["rss_connected_mb"] = round(sum(rss_bytes(pid) for pid in servers.pids) / 2**20, 1)
        link["kb_per_connection"] = round(
            (link["rss_connected_mb"] - link["rss_idle_mb"]) * 1024 / max(link["connected"], 1),
            1)
        print(f"  {link['connected']}/{n} connected in {link['seconds']:.1f} s; servers' memory "
              f"{link['rss_idle_mb']} MB idle, {link['rss_connected_mb']} MB connected "
              f"({link['kb_per_connection']} KB per connection)", flush=True)
        poster = http_poster([f"http://127.0.0.1:{p}" for p in ports], population.poster_token,
                             population.thread_id,
                             body=realistic_body_for if bench.args.realistic else body_for)
        with profiling(servers.pids, label) if profile else contextlib.nullcontext() as prof:
            steps = bench.ramp(label, poster, servers.pids, n, latency_bound=True)
        bench.generator.ask("disconnect")
    return {"connect": link, "steps": steps, "processes": 2, "server": server,
            "profiles": prof or [],
            "conn_max_age": env["DATABASE_CONN_MAX_AGE"]}


@contextlib.contextmanager
def profiling(pids: list[int], label: str, gil: bool = False) -> Iterator[list[str]]:
    """py-spy (pip install py-spy) samples the servers from outside, collapsed stacks out.
    ``gil``: only the thread holding the GIL, i.e. where Python spends CPU, not where its
    threads wait (py-spy may take a thread blocked in a C call for a busy one)."""
    outputs: list[str] = []
    processes = []
    beside = Path(sys.executable).parent / "py-spy"
    spy = str(beside) if beside.exists() else "py-spy"
    for pid in pids:
        out = LOGS / f"profile-{label}-{pid}.txt"
        outputs.append(str(out))
        processes.append(subprocess.Popen(
            [spy, "record", "--pid", str(pid), "--format", "raw", "--rate", "200",
             "--output", str(out), "--nonblocking", *(["--gil"] if gil else [])],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    try:
        yield outputs
    finally:
        for process in processes:
            process.send_signal(2)  # SIGINT makes py-spy write its output
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


# --- report ---------------------------------------------------------------------------------------
HEADER = (f"{'scenario':<12} {'msg/s':>6} {'deliv/s':>8} {'loss':>6} {'p50ms':>6} {'p99ms':>6} "
          f"{'maxms':>6} {'srv.cores':>9} {'µs/deliv':>8} {'gen.cores':>9} {'post.p99':>8}  "
          "result")


def row(step: Step) -> str:
    verdict = "PASS" if step.passed else f"FAIL ({step.why})"
    return (f"{step.scenario:<12} {step.rate:>6g} {step.deliveries_per_s:>8.0f} "
            f"{step.loss:>6} {step.p50_ms:>6.1f} {step.p99_ms:>6.1f} {step.max_ms:>6.1f} "
            f"{step.server_cores:>9.2f} {step.server_us_per_delivery:>8.1f} "
            f"{step.generator_cores:>9.2f} {step.post_p99_ms:>8.1f}  {verdict}"
            + (f"  [{step.batch_frames} batch frames]" if step.batch_frames else ""))


def best(steps: list[Step]) -> Step | None:
    passing = [s for s in steps if s.passed]
    return max(passing, key=lambda s: s.deliveries_per_s) if passing else None


def summary(results: dict[str, dict[str, Any]]) -> list[str]:
    lines = ["", "Best passing step per scenario (zero loss; p99 ≤ 100 ms except baseline):",
             f"{'scenario':<12} {'procs':>5} {'deliv/s':>8} {'msg/s':>6} {'p50ms':>6} "
             f"{'p99ms':>6} {'µs/deliv':>8} {'srv.cores':>9}"]
    bests: dict[str, Step | None] = {}
    for name, result in results.items():
        top = best(result["steps"])
        bests[name] = top
        if top is None:
            lines.append(f"{name:<12} {result['processes']:>5}   no passing step")
            continue
        lines.append(f"{name:<12} {result['processes']:>5} {top.deliveries_per_s:>8.0f} "
                     f"{top.rate:>6g} {top.p50_ms:>6.1f} {top.p99_ms:>6.1f} "
                     f"{top.server_us_per_delivery:>8.1f} {top.server_cores:>9.2f}")
    lines.append("")
    lines.append("Highest zero-loss step whatever the latency:")
    for name, result in results.items():
        lossless = [s for s in result["steps"] if not s.loss and not s.post_failures]
        if lossless:
            top = max(lossless, key=lambda s: s.deliveries_per_s)
            lines.append(f"{name:<12} {top.deliveries_per_s:>8.0f} deliveries/s at {top.rate:g} "
                         f"msg/s, p50 {top.p50_ms:.0f} ms, p99 {top.p99_ms:.0f} ms, "
                         f"{top.server_us_per_delivery:.1f} µs CPU per delivery")
    lines.append("")
    for hub in ("hub-daphne", "hub-uvicorn"):
        top = bests.get(hub)
        if top is None:
            continue
        for other in ("baseline", "bare"):
            ref = bests.get(other)
            if ref is not None:
                lines.append(f"{hub}/{other}: {top.deliveries_per_s / ref.deliveries_per_s:.2f}×"
                             f" deliveries/s, {top.server_us_per_delivery:.1f} vs "
                             f"{ref.server_us_per_delivery:.1f} µs CPU per delivery")
        verdict = "meets" if top.deliveries_per_s >= 30_000 else "misses"
        lines.append(f"{hub} {verdict} the target of 30,000 deliveries/s with p99 ≤ 100 ms.")
    return lines


def versions() -> dict[str, str]:
    found = {}
    for name in ("django", "channels", "channels-redis", "daphne", "uvicorn", "websockets",
                 "twisted", "uvloop"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[name] = metadata.version(name)
    return found


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per step")
    parser.add_argument("--rates", type=lambda s: [float(r) for r in s.split(",") if r],
                        help="messages/s per step, for every scenario (default: per scenario)")
    parser.add_argument("--only", action="append", choices=SCENARIOS,
                        help="run this scenario only (repeatable)")
    parser.add_argument("--drain", type=float, default=3.0,
                        help="seconds to wait after the last post for stragglers")
    parser.add_argument("--stop-after-failures", type=int, default=3,
                        help="failed steps before a scenario stops (any loss stops it at once)")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL",
                                                              "redis://127.0.0.1:6379/0"))
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="default: DATABASE_URL, else a fresh PostgreSQL database "
                             "bench_fanout, else a SQLite file under var/bench/")
    parser.add_argument("--conn-max-age", type=int, default=60,
                        help="DATABASE_CONN_MAX_AGE of the hub servers (unless set in the env)")
    parser.add_argument("--profile", action="store_true",
                        help="sample the hub servers with py-spy into var/bench/")
    parser.add_argument("--realistic", action="store_true",
                        help="hub scenarios post realistic Markdown bodies (500-900 bytes)")
    parser.add_argument("--hog", type=float, default=0.0,
                        help="start a process that keeps this fraction of a core busy for "
                             "the whole run (0.5: half a core), as other work on the host")
    parser.add_argument("--json-out", type=Path, help="default bench/results/fanout-<ts>.json")
    return parser.parse_args(argv)


def start_hog(fraction: float) -> subprocess.Popen[bytes]:
    """A busy loop for ``fraction`` of every 100 ms: a neighbour taking part of a core."""
    busy, idle = 0.1 * fraction, 0.1 * (1 - fraction)
    code = ("import time\n"
            "while True:\n"
            f"    end = time.monotonic() + {busy!r}\n"
            "    while time.monotonic() < end:\n"
            "        pass\n"
            f"    time.sleep({idle!r})\n")
    return subprocess.Popen([sys.executable, "-c", code])


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scenarios = args.only or SCENARIOS
    n = args.subscribers
    started = time.monotonic()
    bench = Bench(args)
    hog = start_hog(args.hog) if args.hog > 0 else None
    results: dict[str, dict[str, Any]] = {}
    database: dict[str, str] = {}
    database_url = ""
    try:
        population = None
        if any(s.startswith("hub") for s in scenarios):
            from bench.dataset import populate, prepare_database, setup_django

            database_url, how = prepare_database(args.database_url)
            setup_django(database_url)
            population = populate(n)
            database = {"how": how, "engine": database_url.split(":", 1)[0]}
            print(f"database: {how}; {n} subscribers in space {population.space_slug}",
                  flush=True)
        for scenario in scenarios:
            print(f"\n== {scenario}", flush=True)
            if scenario == "bare":
                results[scenario] = run_bare(bench, n)
            elif scenario == "baseline":
                results[scenario] = run_baseline(bench, n, args.redis_url)
            else:
                results[scenario] = run_hub(bench, n, scenario.split("-", 1)[1], args.redis_url,
                                            database_url, population, args.profile)
    finally:
        bench.generator.close()
        if hog is not None:
            hog.terminate()
            hog.wait(timeout=5)

    print("\n" + HEADER)
    for result in results.values():
        for step in result["steps"]:
            print(row(step))
    lines = summary(results)
    print("\n".join(lines))
    elapsed = time.monotonic() - started
    print(f"\n{elapsed:.0f} s in all.")

    out = args.json_out or RESULTS / f"fanout-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()
                 if k != "database_url"},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "versions": versions(), "database": database, "seconds": elapsed,
        "p99_limit_ms": P99_LIMIT_MS,
        "scenarios": {name: {**{k: v for k, v in r.items() if k != "steps"},
                             "steps": [asdict(s) for s in r["steps"]],
                             "best": asdict(b) if (b := best(r["steps"])) else None}
                      for name, r in results.items()},
        "summary": lines,
    }
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False))
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
