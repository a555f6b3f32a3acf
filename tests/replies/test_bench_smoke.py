"""bench.replies end to end at toy size: every scenario posts, every reply lands once. A check
of the bench's machinery, not a timing: nothing here asserts on speed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]


def test_the_replies_bench_runs_every_scenario(tmp_path: Path) -> None:
    name = f"/bench_replies_smoke_{os.getpid()}"  # bench_* databases are dropped and recreated
    database_url = urlsplit(os.environ["DATABASE_URL"])._replace(path=name).geturl()
    out = tmp_path / "replies.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench.replies", "--replies", "4", "--database-url",
         database_url, "--json-out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=110,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    result = json.loads(out.read_text())
    assert set(result["scenarios"]) == {"web post_message", "parse + strip",
                                        "receive_mail service", "LMTP over loopback"}
    # Four from the web, four through the service, four over LMTP.
    assert result["posted_by_member"] == 12
