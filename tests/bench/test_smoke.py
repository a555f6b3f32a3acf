"""The fan-out bench's machinery end to end at toy size: two hub processes under daphne on
Redis, twenty subscribers, one slow step. A correctness check of the bench (and of the hub
path it drives), not a timing: nothing here asserts on speed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the repository

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.timeout(90)]


def test_every_subscriber_gets_every_message(tmp_path: Path) -> None:
    # A database of the bench's own beside the test one: names starting with bench_ are
    # dropped and recreated by the bench.
    name = f"/bench_smoke_{os.getpid()}"  # per run: parallel runs must not drop each other's
    database_url = urlsplit(os.environ["DATABASE_URL"])._replace(path=name).geturl()
    out = tmp_path / "fanout.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench.fanout", "--only", "hub-daphne", "--subscribers", "20",
         "--rates", "3", "--duration", "2", "--json-out", str(out),
         "--database-url", database_url, "--redis-url", os.environ["REDIS_URL"]],
        cwd=ROOT, capture_output=True, text=True, timeout=80,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    result = json.loads(out.read_text())["scenarios"]["hub-daphne"]
    assert result["connect"]["connected"] == 20
    [step] = result["steps"]
    assert step["messages"] == 6
    assert step["post_failures"] == 0
    assert step["loss"] == 0
    assert step["duplicates"] == 0
    assert step["received"] == step["expected"] == 6 * 20
    assert step["exact_connections"] == 20
    assert step["incomplete_messages"] == 0


def test_the_documents_bench_runs_end_to_end_at_toy_size(tmp_path: Path) -> None:
    """bench.documents with two small files: moto, uvicorn, upload, download, direct boto3,
    memory sampled. A check that the bench still works, not a timing."""
    name = f"/bench_docs_smoke_{os.getpid()}"
    database_url = urlsplit(os.environ["DATABASE_URL"])._replace(path=name).geturl()
    out = tmp_path / "documents.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench.documents", "--sizes", "0.5,2", "--json-out", str(out),
         "--database-url", database_url],
        cwd=ROOT, capture_output=True, text=True, timeout=80,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "RSS grew" in run.stdout
    rows = json.loads(out.read_text())["sizes"]
    assert [row["bytes"] for row in rows] == [500_000, 2_000_000]
    for row in rows:
        for what in ("app_upload", "app_download", "direct_upload", "direct_download"):
            assert row[what]["mb_s"] > 0
        assert row["app_upload"]["server_rss_peak_mb"] > 0
        assert row["ratio_upload_app_over_direct"] > 0
