"""Checks a production process runs before it serves: each service it needs is reached once,
so a wrong address, password or key stops the process at start with a message naming the
setting, instead of surfacing as errors on the first requests.

Redis is reported but not fatal: it only carries notifications, and hubs catch up from the
log without it (docs/architecture.md).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)


def check_database() -> None:
    from django.db import connection

    try:
        if connection.vendor == "postgresql":
            # A connection of its own, outside the pool, so a wrong address fails within the
            # connect timeout instead of the pool's longer wait and retries.
            import psycopg

            params = {key: value for key, value in connection.get_connection_params().items()
                      if key not in {"cursor_factory", "context", "pool"}}
            with psycopg.connect(**params, connect_timeout=5) as direct:
                direct.execute("SELECT 1")
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
    except Exception as error:
        raise ImproperlyConfigured(
            f"DATABASE_URL : base de données injoignable ou accès refusé ({_short(error)})."
        ) from error
    finally:
        connection.close()


def check_storage() -> None:
    if not settings.S3_BUCKET:
        return
    from django.core.files.storage import storages

    storage = storages["default"]
    try:
        storage.connection.meta.client.head_bucket(Bucket=settings.S3_BUCKET)  # type: ignore[attr-defined]
    except Exception as error:
        code = str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))
        if code in {"403", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied"}:
            names = "S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY"
            why = "identifiants refusés"
        elif code in {"404", "NoSuchBucket"}:
            names, why = "S3_BUCKET", "compartiment introuvable"
        else:
            names, why = "S3_ENDPOINT_URL", "stockage injoignable"
        raise ImproperlyConfigured(f"{names} : {why} ({_short(error)}).") from error


def check_redis() -> None:
    import redis

    for url in settings.REDIS_URLS:
        try:
            redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
        except redis.RedisError as error:
            logger.warning("REDIS_URL : %s injoignable (%s) ; les mises à jour en direct "
                           "passeront par la relecture du journal.", _redacted(url), error)


def check_services() -> None:
    check_database()
    check_storage()
    check_redis()


def _short(error: Exception) -> str:
    return str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__


def _redacted(url: str) -> str:
    # A Redis URL may carry a password; the log keeps the host only.
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}"
