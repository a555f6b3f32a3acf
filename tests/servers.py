"""Real server processes for end-to-end tests: daphne (or uvicorn) on a free loopback port,
sharing the test database and, when given, a Redis URL. Each runs under ``tests.serve``, so a
stopped one exits once its own shutdown is over."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_database_url() -> str:
    """The URL of the database pytest-django created, for a child process to use."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.postgresql":
        user = db.get("USER") or "postgres"
        auth = f"{user}:{db['PASSWORD']}" if db.get("PASSWORD") else user
        host = f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}"
        return f"postgres://{auth}@{host}/{db['NAME']}"
    name = str(db["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise RuntimeError("a child process cannot share an in-memory SQLite database")
    return f"sqlite:///{name}"


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {port} after {timeout}s")


@dataclass
class ServerProcess:
    port: int
    process: subprocess.Popen[bytes]
    #: What it was started with, for a spare to be checked against (SpareServer).
    env: dict[str, str] = field(default_factory=dict, repr=False)
    log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/"

    def stop(self) -> None:
        try:
            stop(self.process)
        finally:
            if self.log is not None:
                self.log.close()


def server_env(*, redis_url: str | None,
               extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a server started now: this process's, plus what it must be told."""
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "DEBUG": "true",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "REALTIME_AUDIT_SECONDS": "0.5",
        "PYTHONUNBUFFERED": "1",
        "POST_RATE_LIMIT": "0",
        # Same names on Redis as this test process, and none shared with other runs.
        "CHANNEL_LAYER_PREFIX": settings.CHANNEL_LAYER_PREFIX,
        **(extra_env or {}),
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def start_server(*, redis_url: str | None, server: str = "daphne",
                 extra_env: dict[str, str] | None = None, access_log: bool = False,
                 application: str = "collab.asgi:application") -> ServerProcess:
    """A server process, started and not yet listening (``wait_for_port``)."""
    port = free_port()
    env = server_env(redis_url=redis_url, extra_env=extra_env)
    if server == "daphne":
        command = ["collab.devserver", "-b", "127.0.0.1", "-p", str(port), application]
    else:
        command = ["uvicorn", "--host", "127.0.0.1", "--port", str(port),
                   "--log-level", "info" if access_log else "warning", application]
    log = open(ROOT / "var" / f"server-{port}.log", "wb")  # noqa: SIM115
    try:
        process = subprocess.Popen([sys.executable, "-m", "tests.serve", *command], cwd=ROOT,
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
    except BaseException:
        log.close()
        raise
    return ServerProcess(port=port, process=process, env=env, log=log)


@contextmanager
def running_server(*, redis_url: str | None, server: str = "daphne",
                   extra_env: dict[str, str] | None = None,
                   access_log: bool = False) -> Iterator[ServerProcess]:
    """daphne writes its access log to the server's log always; uvicorn only if asked."""
    started = start_server(redis_url=redis_url, server=server, extra_env=extra_env,
                           access_log=access_log)
    try:
        wait_for_port(started.port, started.process)
        yield started
    finally:
        started.stop()


#: Set by pytest to the test running at the moment: a spare started during one test carries
#: the name of that test, and nothing in a server reads it.
NAMES_THE_TEST = frozenset({"PYTEST_CURRENT_TEST"})
#: What a spare runs: the views imported before it listens rather than at its first request.
WARM_APPLICATION = "tests.warm_asgi:application"


class SpareServer:
    """Servers for one test after another, each a fresh process started while the test before
    it ran: its ~1.4 s start-up is not waited for. One spare is kept per configuration asked
    for, which must then be the same from test to test (a fixture whose server is told of a
    port or directory of the test's own would only waste its spares).

    A spare has served nothing: it imported the code (the views too: tests.warm_asgi) and
    listens. Until a first request it has opened no connection to the database or Redis (the
    AppConfig.ready methods only register hooks; the start-up checks are off in debug mode;
    there is no sites framework and its cache; content types, the kept statements, the
    cache, sign-in throttles and the hub are all made at first use). So whatever the database
    held while it started (the test before, its flush, whose content types get new ids), it
    behaves as one started at the moment its test asks for it. A spare started with another
    environment than the test would now give its server is not used."""

    def __init__(self) -> None:
        self.spares: dict[tuple[str | None, frozenset[tuple[str, str]]], ServerProcess] = {}

    @contextmanager
    def running(self, *, redis_url: str | None,
                extra_env: dict[str, str] | None = None) -> Iterator[ServerProcess]:
        configuration = (redis_url, frozenset((extra_env or {}).items()))
        taken = self._take(self.spares.pop(configuration, None), redis_url, extra_env)
        try:
            self.spares[configuration] = start_server(redis_url=redis_url, extra_env=extra_env,
                                                      application=WARM_APPLICATION)
            yield taken
        finally:
            taken.stop()

    def _take(self, spare: ServerProcess | None, redis_url: str | None,
              extra_env: dict[str, str] | None) -> ServerProcess:
        if spare is not None:
            ready = False
            try:
                ready = (_same_server_env(spare.env, server_env(redis_url=redis_url,
                                                                extra_env=extra_env))
                         and _listening(spare))
            finally:
                if not ready:
                    spare.stop()
            if ready:
                return spare
        # No spare, or not one this test would have started: one started now, which fails as
        # a server started alone would.
        started = start_server(redis_url=redis_url, extra_env=extra_env,
                               application=WARM_APPLICATION)
        try:
            wait_for_port(started.port, started.process)
        except BaseException:
            started.stop()
            raise
        return started

    def close(self) -> None:
        while self.spares:
            self.spares.popitem()[1].stop()


def _listening(server: ServerProcess) -> bool:
    try:
        wait_for_port(server.port, server.process)
    except (RuntimeError, TimeoutError):
        return False
    return True


def _same_server_env(one: dict[str, str], other: dict[str, str]) -> bool:
    return ({key: value for key, value in one.items() if key not in NAMES_THE_TEST}
            == {key: value for key, value in other.items() if key not in NAMES_THE_TEST})


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask a process to end, and end it after ten seconds if it does not."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def private_redis() -> Iterator[tuple[str, int]]:
    """A redis-server of the test's own on a free port, so fault tests can stop and restart it
    without touching the machine's shared Redis. Yields (url, port)."""
    port = free_port()
    with redis_on(port):
        yield f"redis://127.0.0.1:{port}/0", port


@contextmanager
def redis_on(port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process, timeout=10)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)
