"""The database the hub servers run on, and the people in it.

Rows are written directly, in bulk, because the bench measures fan-out, not sign-up: one
password hash for everyone, tickets and the poster's token minted the way the services mint
them (``new_secret``), with a validity long enough for a thousand handshakes.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import SplitResult, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "bench_fanout"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def prepare_database(url: str | None) -> tuple[str, str]:
    """Return (DATABASE_URL for the servers, how it was chosen). A given URL whose database
    name starts with ``bench_`` belongs to the bench and is recreated; any other given URL is
    used as is (the bench only adds rows with unique names)."""
    if url is None:
        if _reachable("127.0.0.1", 5432):
            url = f"postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE}"
        else:
            path = ROOT / "var" / "bench" / "fanout.sqlite3"
            path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            url = f"sqlite:///{path}"
            _migrate(url)
            return url, "fresh SQLite file (PostgreSQL absent)"
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme.startswith("postg") and name.startswith("bench_"):
        _recreate_postgres(parts, name)
        how = f"fresh PostgreSQL database {name}"
    else:
        how = "given DATABASE_URL, used as is"
    _migrate(url)
    return url, how


def _recreate_postgres(parts: SplitResult, name: str) -> None:
    import psycopg
    from psycopg import sql

    admin = urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _migrate(url: str) -> None:
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                   env={**os.environ, "DATABASE_URL": url}, check=True, timeout=180)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "collab.settings"
    # This process only writes rows; it must not publish on the servers' Redis.
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()


@dataclass
class Population:
    space_slug: str
    thread_id: int
    poster_token: str
    subscriber_ids: list[int]


def populate(subscribers: int) -> Population:
    from django.contrib.auth.hashers import make_password

    from communities.models import ApiToken, Membership, Role, Space, User
    from communities.secrets import new_secret
    from communities.services.discussion import start_thread

    tag = secrets.token_hex(4)
    password = make_password(secrets.token_urlsafe(16))
    space = Space.objects.create(slug=f"bench-{tag}", name=f"Banc d'essai {tag}")
    poster = User.objects.create(email=f"poster-{tag}@bench.invalid",
                                 display_name="Poste du banc", password=password)
    people = User.objects.bulk_create(
        [User(email=f"sub{i}-{tag}@bench.invalid", display_name=f"Abonné {i}",
              password=password) for i in range(subscribers)],
        batch_size=1000,
    )
    Membership.objects.bulk_create(
        [Membership(space=space, user=poster, role=Role.FACILITATOR)]
        + [Membership(space=space, user=u, role=Role.MEMBER) for u in people],
        batch_size=1000,
    )
    raw, digest = new_secret()
    ApiToken.objects.create(user=poster, key_hash=digest)
    posted = start_thread(actor=poster, space=space, title="Fil du banc d'essai",
                          body="Premier message du banc d'essai.")
    return Population(space_slug=space.slug, thread_id=posted.thread.pk, poster_token=raw,
                      subscriber_ids=[u.pk for u in people])


def issue_tickets(user_ids: list[int], lifetime_seconds: int = 600) -> list[str]:
    """One single-use websocket ticket per subscriber, in one INSERT."""
    from django.utils import timezone

    from communities.models import RealtimeTicket
    from communities.secrets import new_secret

    expires = timezone.now() + timedelta(seconds=lifetime_seconds)
    minted = [new_secret() for _ in user_ids]
    RealtimeTicket.objects.bulk_create(
        [RealtimeTicket(user_id=uid, key_hash=digest, expires_at=expires)
         for uid, (_raw, digest) in zip(user_ids, minted, strict=True)],
        batch_size=1000,
    )
    return [raw for raw, _digest in minted]
