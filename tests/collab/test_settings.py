"""Settings come from the environment only and fail loudly, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the repository
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "Zq8!x#Lm2@Vr5$Tp9&Wn4*Ys7^Hb3%Gd",
    "ALLOWED_HOSTS": "espace.espacemuni.org",
    "DATABASE_URL": "postgres://espace:secret@127.0.0.1:5432/espace",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "S3_BUCKET": "espace-documents",
    "S3_ENDPOINT_URL": "https://s3.ca-central-1.amazonaws.com",
    "SMTP_HOST": "smtp.espacemuni.org",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY",
                          "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=60)


def test_deploy_check_passes_with_a_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_secrets_can_come_from_files(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(PRODUCTION["SECRET_KEY"])
    env = {**PRODUCTION, "SECRET_KEY_FILE": str(secret)}
    del env["SECRET_KEY"]
    assert manage("check", "--deploy", "--fail-level", "WARNING", env=env).returncode == 0


@pytest.mark.parametrize(("variable", "value"), [
    ("DEBUG", "peut-être"),
    ("REALTIME_AUDIT_SECONDS", "vite"),
    ("DATABASE_URL", "mysql://x@y/z"),
    ("SMTP_PORT", "vingt-cinq"),
    ("CLAMAV_TCP", "clamd.exemple.qc.ca"),
    ("DOCS_TEXT_MAX_PAGES", "beaucoup"),
])
def test_a_bad_value_stops_with_a_message_naming_the_variable(variable, value):
    env = {variable: value, **({"SMTP_HOST": "smtp.exemple.qc.ca"}
                               if variable == "SMTP_PORT" else {})}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert variable in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_without_a_secret_key_refuses_to_start():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_nothing_set_gives_the_embedded_defaults():
    code = ("from django.conf import settings as s;"
            "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'],"
            " s.STORAGES['default']['BACKEND'], s.EMAIL_BACKEND)")
    result = manage("shell", "--no-imports", "-c", code, env={})
    assert result.stdout.split() == [
        "django.db.backends.sqlite3", "channels.layers.InMemoryChannelLayer",
        "django.core.files.storage.FileSystemStorage",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_production_uses_postgres_redis_s3_and_smtp():
    code = ("from django.conf import settings as s;"
            "print(s.DATABASES['default']['ENGINE'], s.CHANNEL_LAYERS['default']['BACKEND'],"
            " s.STORAGES['default']['BACKEND'], s.EMAIL_BACKEND,"
            " s.STORAGES['default']['OPTIONS']['endpoint_url'])")
    result = manage("shell", "--no-imports", "-c", code, env=PRODUCTION)
    assert result.stdout.split() == [
        "django.db.backends.postgresql", "channels_redis.pubsub.RedisPubSubChannelLayer",
        "storages.backends.s3.S3Storage", "django.core.mail.backends.smtp.EmailBackend",
        "https://s3.ca-central-1.amazonaws.com",
    ]
