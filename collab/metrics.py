"""Prometheus metrics of one process: request latency by view, and the queues read on scrape.

The live side counts its own figures (``realtime.metrics``); this module adds what is seen
from HTTP and from the database, and serves them all at ``/metrics`` to whoever presents
``METRICS_TOKEN``. Without the token the path does not exist, so a deployment that does not
scrape exposes nothing.

The request middleware is written here rather than taken from django-prometheus because the
latter's middleware pair is built on ``MiddlewareMixin``, which under ASGI runs each hook in a
thread (two thread hops per request on the post path); this one is a plain async-capable
callable that adds one histogram observation, with the prometheus_client library doing the
rest.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

import realtime.metrics  # noqa: F401  (registers the live side's metrics in the registry)
from communities.middleware import SyncAndAsyncMiddleware

REQUEST_LATENCY = Histogram(
    "espace_request_seconds", "Time to answer an HTTP request, by view and method.",
    ["view", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def _view_name(request: HttpRequest) -> str:
    # The resolved view's name keeps the label set small (one per route, never per URL).
    match = getattr(request, "resolver_match", None)
    return (match.view_name or match._func_path) if match else "unresolved"


class RequestMetricsMiddleware(SyncAndAsyncMiddleware):
    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self._acall(request)
        start = time.perf_counter()
        response = self.get_response(request)
        self._observe(request, start)
        return response

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response: HttpResponse = await self.get_response(request)  # type: ignore[misc]
        self._observe(request, start)
        return response

    @staticmethod
    def _observe(request: HttpRequest, start: float) -> None:
        REQUEST_LATENCY.labels(_view_name(request), request.method or "").observe(
            time.perf_counter() - start)


class QueueCollector(Collector):
    """Work waiting in the database, counted when Prometheus asks (two small COUNTs)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django_tasks_db.models import DBTaskResult

        from emails.models import ClaimState, DigestDelivery

        tasks = GaugeMetricFamily("espace_tasks_waiting",
                                  "Background tasks queued and not yet started.")
        tasks.add_metric([], DBTaskResult.objects.ready().count())
        yield tasks
        digests = GaugeMetricFamily("espace_digests_claimed",
                                    "Digests claimed by a worker and not yet sent.")
        digests.add_metric([], DigestDelivery.objects.filter(state=ClaimState.CLAIMED).count())
        yield digests


_queues_registered = False


def register_queue_collector() -> None:
    global _queues_registered
    if not _queues_registered:
        REGISTRY.register(QueueCollector())
        _queues_registered = True


def metrics_view(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        response = HttpResponse("Jeton requis.\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    register_queue_collector()
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)


