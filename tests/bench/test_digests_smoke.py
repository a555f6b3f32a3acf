"""The digest bench end to end at toy size, so it cannot rot: it loads, runs both ways, and
both ways give the same digests with a query count per batch that does not depend on the
batch. A correctness check of the bench, not a timing: nothing here asserts on speed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the repository

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]


def test_the_digest_bench_runs_and_both_ways_agree(tmp_path: Path) -> None:
    name = f"/bench_digests_smoke_{os.getpid()}"  # per run: parallel runs must not collide
    database_url = urlsplit(os.environ["DATABASE_URL"])._replace(path=name).geturl()
    out = tmp_path / "digests.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench.digests", "--members", "60", "--events", "600",
         "--batch-size", "25", "--json-out", str(out), "--database-url", database_url],
        cwd=ROOT, capture_output=True, text=True, timeout=110,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["data"]["events"] >= 590
    assert result["same_digests_as_baseline"] is True
    batched, baseline = result["scenarios"]["batched"], result["scenarios"]["one_at_a_time"]
    assert batched["sent"] == baseline["sent"] > 0
    # Per batch the count depends on what is in it (an empty digest to record, mentions to
    # read, reply addresses to insert), never on how many members: a batch of 25 costs no
    # more queries than a batch of one.
    assert batched["queries_per_batch"]["max"] <= baseline["queries_per_batch"]["max"]
    assert batched["queries_per_digest"] < baseline["queries_per_digest"]
