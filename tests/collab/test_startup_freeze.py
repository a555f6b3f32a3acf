"""A server process freezes what its startup loaded, so full garbage collections walk only
what requests and connections made since (tens of milliseconds instead of about a hundred
with 500 websockets); a test process, which outlives what it imports, does not."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = ("import gc, collab.asgi; "
         "print(gc.get_freeze_count(), len(gc.get_objects()))")


def test_a_server_process_freezes_its_startup_objects() -> None:
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_VERSION"}
    env.update(DEBUG="false", SECRET_KEY="une-cle-de-test-assez-longue-pour-django-0123456789",
               ALLOWED_HOSTS="127.0.0.1", STARTUP_CHECKS="false")
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    frozen, tracked = map(int, result.stdout.split())
    # Django, the URL configuration with every view module, the libraries: all of it.
    assert frozen > 100_000
    assert tracked < frozen / 10


def test_the_test_process_itself_is_not_frozen() -> None:
    import collab.asgi  # noqa: F401

    assert gc.get_freeze_count() == 0
