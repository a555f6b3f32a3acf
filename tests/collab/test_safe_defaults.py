"""With nothing set the code is safe: no debug mode, no key anyone could know, and a server
that will not start without a key, saying which variable is missing. Development is asked for
explicitly (``make run``: DEBUG=true and a key generated once)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

from tests.servers import ROOT, free_port

SHOW = ("from django.conf import settings as s;"
        "print(s.DEBUG, len(s._wrapped.SECRET_KEY), s.SESSION_COOKIE_SECURE)")


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "SECRET_KEY_FILE",
                          "DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS"}}
    return subprocess.run(command, cwd=ROOT, env={**clean, **env}, capture_output=True,
                          text=True, timeout=60)


def test_nothing_set_means_no_debug_and_no_key():
    result = _run([sys.executable, "manage.py", "shell", "--no-imports", "-c", SHOW], env={})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "0", "True"]


def test_a_server_without_a_key_refuses_to_start_naming_it():
    result = _run([sys.executable, "-m", "collab.devserver", "-b", "127.0.0.1", "-p",
                   str(free_port()), "collab.asgi:application"], env={})
    assert result.returncode != 0
    assert "SECRET_KEY (ou SECRET_KEY_FILE) est requis" in result.stderr


def test_development_is_opted_into_with_the_key_make_run_generates(tmp_path):
    key = tmp_path / "dev-secret-key"
    made = subprocess.run(["make", "-s", f"DEV_KEY={key}", str(key)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_text().strip()) >= 50

    result = _run([sys.executable, "manage.py", "shell", "--no-imports", "-c", SHOW],
                  env={"DEBUG": "true", "SECRET_KEY_FILE": str(key)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", str(len(key.read_text().strip())), "False"]
