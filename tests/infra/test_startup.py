"""A misconfigured deployment stops at start, naming the setting at fault, instead of
starting and failing on the first requests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import free_port, wait_for_port
from tests.servers import test_database_url as database_url

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "une-cle-de-test-assez-longue-pour-django-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1",
    "STARTUP_CHECKS": "true",
}


def start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Start the production server with ``env``; it must exit by itself."""
    base = {key: value for key, value in os.environ.items()
            if not key.startswith(("S3_", "SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL"))}
    return subprocess.run(
        [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(free_port()),
         "--lifespan", "off", "collab.asgi:application"],
        cwd=ROOT, env={**base, "DATABASE_URL": database_url(), **env},
        capture_output=True, text=True, timeout=60,
    )


def test_a_missing_secret_key_stops_the_server() -> None:
    result = start({**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_empty_allowed_hosts_stop_the_server() -> None:
    result = start({**PRODUCTION, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


@pytest.mark.django_db
def test_an_unreachable_database_stops_the_server() -> None:
    result = start({**PRODUCTION,
                    "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/nulle"})
    assert result.returncode != 0
    assert "DATABASE_URL : base de données injoignable" in result.stderr


@pytest.fixture
def strict_s3() -> Iterator[str]:
    """moto's S3 server checking credentials (it accepts any by default)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env={**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "0"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.django_db
def test_wrong_storage_credentials_stop_the_server(strict_s3: str) -> None:
    result = start({**PRODUCTION, "S3_BUCKET": "documents", "S3_ENDPOINT_URL": strict_s3,
                    "S3_REGION": "us-east-1", "S3_ACCESS_KEY_ID": "mauvaise",
                    "S3_SECRET_ACCESS_KEY": "cle"})
    assert result.returncode != 0
    assert "S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY : identifiants refusés" in result.stderr


@pytest.mark.django_db
def test_a_correct_configuration_starts(tmp_path: Path) -> None:
    port = free_port()
    base = {key: value for key, value in os.environ.items() if not key.startswith("S3_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--host", "127.0.0.1", "--port", str(port),
         "--lifespan", "off", "collab.asgi:application"],
        cwd=ROOT, env={**base, "DATABASE_URL": database_url(), **PRODUCTION},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
    finally:
        process.terminate()
        process.wait(timeout=10)
