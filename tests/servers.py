"""Real server processes for end-to-end tests: daphne (or uvicorn) on a free loopback port,
sharing the test database and, when given, a Redis URL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

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

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/"


@contextmanager
def running_server(*, redis_url: str | None, server: str = "daphne",
                   extra_env: dict[str, str] | None = None,
                   access_log: bool = False) -> Iterator[ServerProcess]:
    """daphne writes its access log to the server's log always; uvicorn only if asked."""
    port = free_port()
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
    if server == "daphne":
        command = [sys.executable, "-m", "collab.devserver", "-b", "127.0.0.1", "-p", str(port),
                   "collab.asgi:application"]
    else:
        command = [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port),
                   "--log-level", "info" if access_log else "warning",
                   "collab.asgi:application"]
    log = open(ROOT / "var" / f"server-{port}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process)
        yield ServerProcess(port=port, process=process)
    finally:
        stop(process)
        log.close()


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
