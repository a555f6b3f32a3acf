"""``/healthz`` (the process answers) and ``/readyz`` (what it needs answers too).

Built on django-health-check: the database, Redis (when the deployment has one) and the
document storage are each probed with the library's own checks; a process that lost one of
them answers 500 with the name of what is missing, so a load balancer or Kubernetes stops
sending it traffic until it recovers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from health_check.views import HealthCheckView


def _redis_factory(url: str) -> Callable[[], Any]:
    def client() -> Any:
        from redis.asyncio import Redis

        return Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    return client


def readiness_checks() -> list[Any]:
    checks: list[Any] = ["health_check.checks.Database", "health_check.checks.Storage"]
    # Every shard: losing any one of them loses the live notifications of its streams.
    checks += [("health_check.contrib.redis.Redis", {"client_factory": _redis_factory(url)})
               for url in settings.REDIS_URLS]
    return checks


class LivenessView(HealthCheckView):
    """Nothing but the process itself: a probe that restarts it must not fire because the
    database is down (restarting would not bring the database back)."""

    checks = ()


class ReadinessView(HealthCheckView):
    def get_checks(self) -> Any:
        self.checks = readiness_checks()
        return super().get_checks()


class CoreReadinessView(HealthCheckView):
    """The database and the storage only, for Kubernetes' readiness probe: every pod loses a
    shared Redis at the same moment, and taking them all out of the Service would stop a site
    that still works without it (the hubs read the log). ``/readyz`` still names a lost Redis
    for monitoring and for nginx checks."""

    checks = ("health_check.checks.Database", "health_check.checks.Storage")
