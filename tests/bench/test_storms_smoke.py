"""The storm benches end to end at toy size on two hub processes under uvicorn: a reconnect
storm whose every client gets every missed event once and in order, and a connect storm whose
presence hints per subscriber stay a handful. Correctness of the benches and of the hub paths
they drive, not timings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.timeout(150)]


def _run(module: str, tmp_path: Path, *args: str) -> dict:
    name = f"/bench_{module}_smoke_{os.getpid()}"
    database_url = urlsplit(os.environ["DATABASE_URL"])._replace(path=name).geturl()
    out = tmp_path / f"{module}.json"
    run = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *args, "--repeat", "1",
         "--servers", "uvicorn", "--json-out", str(out), "--database-url", database_url,
         "--redis-url", os.environ["REDIS_URL"]],
        cwd=ROOT, capture_output=True, text=True, timeout=140,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return json.loads(out.read_text())["results"]["uvicorn"]


def test_a_reconnect_storm_resumes_every_client_exactly(tmp_path: Path) -> None:
    result = _run("reconnect", tmp_path, "--subscribers", "20", "--missed", "7")
    [run] = result["runs"]
    assert run["reconnected"] == 20
    assert run["received"] == run["expected"] == 20 * 7
    assert run["exact_clients"] == 20 and run["out_of_order"] == 0
    assert result["verified"]


def test_a_connect_storm_sends_a_handful_of_presence_hints(tmp_path: Path) -> None:
    result = _run("connect", tmp_path, "--subscribers", "30")
    [run] = result["runs"]
    assert run["connected"] == 30
    # The list once, then a few changes: not one list per subscriber that came after.
    assert 1 <= run["presence_frames_per_subscriber"] <= 10
