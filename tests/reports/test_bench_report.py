"""The report bench end to end at toy size: it loads, runs every measurement and writes its
result. A check of the bench, not a timing: nothing here asserts on speed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]


def test_the_report_bench_runs_at_toy_size() -> None:
    name = f"/bench_report_smoke_{os.getpid()}"  # bench_* databases are the bench's to drop
    database_url = urlsplit(os.environ["DATABASE_URL"])._replace(path=name).geturl()
    run = subprocess.run(
        [sys.executable, "-m", "bench.report", "--spaces", "2", "--members", "12",
         "--messages", "200", "--repeat", "2", "--database-url", database_url],
        cwd=ROOT, capture_output=True, text=True, timeout=110,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "baseline / report (p50)" in run.stdout
    assert "report_all_at_once" in run.stdout
