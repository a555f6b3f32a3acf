"""/healthz, /readyz and /metrics as a load balancer, Kubernetes and Prometheus see them."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import People
from tests.servers import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def test_liveness_answers_without_touching_any_service(client: Client,
                                                       django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        answer = client.get("/healthz", HTTP_ACCEPT="application/json")
    assert answer.status_code == 200
    assert answer["Cache-Control"].startswith("max-age=0")


@pytest.mark.redis
def test_readiness_reports_each_service(client: Client) -> None:
    answer = client.get("/readyz", HTTP_ACCEPT="application/json")
    assert answer.status_code == 200, answer.content
    checks = answer.json()
    assert any(name.startswith("Database") for name in checks)
    assert any(name.startswith("Storage") for name in checks)
    assert any(name.startswith("Redis") for name in checks)
    assert set(checks.values()) == {"OK"}


def test_readiness_names_a_lost_redis(client: Client, settings) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"
    settings.REDIS_URLS = [dead]
    answer = client.get("/readyz", HTTP_ACCEPT="application/json")
    assert answer.status_code == 500
    failing = {name: why for name, why in answer.json().items() if why != "OK"}
    assert list(failing) == [f"Redis(db=0, host='127.0.0.1', port={dead.split(':')[2][:-2]})"]
    assert "Unable to connect to Redis" in failing[next(iter(failing))]


def test_core_readiness_ignores_a_lost_redis(client: Client, settings) -> None:
    settings.REDIS_URLS = [f"redis://127.0.0.1:{free_port()}/0"]
    answer = client.get("/readyz/core", HTTP_ACCEPT="application/json")
    assert answer.status_code == 200, answer.content
    assert not any(name.startswith("Redis") for name in answer.json())


def test_metrics_do_not_exist_without_a_token(client: Client, settings) -> None:
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404


def test_metrics_refuse_a_wrong_token(client: Client, settings) -> None:
    settings.METRICS_TOKEN = "le-bon-jeton"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer autre").status_code == 401


def _sample(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} absent from the metrics")


def test_metrics_count_requests_events_and_queues(client: Client, settings,
                                                  people: People) -> None:
    settings.METRICS_TOKEN = "le-bon-jeton"
    auth = {"Authorization": "Bearer le-bon-jeton"}
    before = client.get("/metrics", headers=auth).content.decode()
    published = _sample(before, "espace_events_published_total")

    from communities.services.discussion import start_thread

    start_thread(actor=people.member, space=people.space, title="Bornes sonores",
                 body="Qui en a installé ?")
    client.get("/healthz")
    after = client.get("/metrics", headers=auth).content.decode()

    assert _sample(after, "espace_events_published_total") == published + 1
    assert 'espace_request_seconds_count{method="GET",view="healthz"}' in after
    assert _sample(after, "espace_websockets_open") == 0
    assert _sample(after, "espace_tasks_waiting") >= 0
    assert _sample(after, "espace_digests_claimed") == 0
    for name in ("espace_frames_delivered_total", "espace_replays_total",
                 "espace_delivery_lag_seconds_count"):
        assert name in after
