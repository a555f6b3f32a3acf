"""The deployment of infra/ on this machine, used through nginx only: sign in, two people on
different application processes converse live, a document goes up and comes back, a digest
reaches the SMTP server; then one process is killed and its clients resume on the other
without losing or repeating an event, and /readyz follows Redis going away and coming back."""

from __future__ import annotations

import asyncio
import re
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import People
from tests.infra.stack import (
    METRICS_TOKEN,
    Front,
    app_process,
    certificate,
    manage,
    nginx,
    process,
    production_env,
)
from tests.integration.helpers import PASSWORD, Api, Subscriber, posted, received
from tests.servers import free_port, redis_on
from tests.smtp import Mailbox

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]

SPACE = "rma"


def open_sockets(port: int) -> float:
    answer = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5,
                          headers={"Authorization": f"Bearer {METRICS_TOKEN}",
                                   "Host": "127.0.0.1"})
    match = re.search(r"^espace_websockets_open (\S+)$", answer.text, re.MULTILINE)
    assert match, answer.text[:500]
    return float(match.group(1))


def wait_until(condition: Any, what: str, within: float = 15) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within}s: {what}")
        time.sleep(0.1)


def ready(front: Front) -> requests.Response:
    return requests.get(f"{front.http}/readyz", headers={"Accept": "application/json"},
                        timeout=15)


@pytest.fixture
def trusted_certificate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 that requests and websockets trust."""
    cert, key = certificate(tmp_path)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    return cert, key


@pytest.fixture
def stack(tmp_path: Path, community: People, moto_endpoint: str,
          smtp_mailbox: Mailbox, trusted_certificate: tuple[Path, Path]
          ) -> Iterator[dict[str, Any]]:
    redis_port, front_port = free_port(), free_port()
    env = production_env(data_dir=tmp_path / "var", front_port=front_port,
                         s3_endpoint=moto_endpoint, smtp_port=smtp_mailbox.port,
                         redis_url=f"redis://127.0.0.1:{redis_port}/0")
    import boto3

    boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1",
                 aws_access_key_id="test", aws_secret_access_key="test",
                 ).create_bucket(Bucket="pile-de-test")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    with ExitStack() as stack:
        redis = stack.enter_context(redis_on(redis_port))
        (a, a_process) = stack.enter_context(app_process(env))
        (b, b_process) = stack.enter_context(app_process(env))
        stack.enter_context(process(env, [sys.executable, "manage.py", "db_worker"],
                                    "stack-worker.log"))
        front = stack.enter_context(nginx(tmp_path, port=front_port, upstreams=[a.port, b.port],
                                          static_root=tmp_path / "var" / "static",
                                          cert=trusted_certificate[0],
                                          key=trusted_certificate[1]))
        yield {"front": front, "apps": [(a, a_process), (b, b_process)], "env": env,
               "redis": redis, "redis_port": redis_port, "stack": stack}


def sign_in_on_the_web(front: Front, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{front.http}/connexion/", timeout=10)
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    answer = session.post(f"{front.http}/connexion/",
                          data={"csrfmiddlewaretoken": token, "username": email,
                                "password": PASSWORD, "next": "/"},
                          headers={"Referer": f"{front.http}/connexion/"}, timeout=10)
    assert answer.status_code == 200 and answer.url == f"{front.http}/", answer.url
    assert "Réseau Municipalités accessibles" in answer.text
    return session


def test_static_files_are_served_by_nginx_with_the_right_cache(stack: dict[str, Any]) -> None:
    front: Any = stack["front"]  # nginx stands where the clients expect a server process
    page = requests.get(f"{front.http}/connexion/", timeout=10)
    hashed = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page.text)
    assert hashed, "the page names no hashed stylesheet"
    answer = requests.get(f"{front.http}{hashed.group(1)}", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert "uvicorn" not in answer.headers.get("Server", "")
    plain = re.sub(r"\.[0-9a-f]{12}\.css$", ".css", hashed.group(1))
    assert requests.get(f"{front.http}{plain}", timeout=10).headers["Cache-Control"] == \
        "public, max-age=300"
    # Scripts and styles travel compressed; pages too, compressed by the application.
    for url in (hashed.group(1), "/static/frontend/vendor/htmx-2.0.11.min.js", "/connexion/"):
        compressed = requests.get(f"{front.http}{url}", timeout=10,
                                  headers={"Accept-Encoding": "gzip"})
        assert compressed.headers.get("Content-Encoding") == "gzip", url
        assert "Accept-Encoding" in compressed.headers.get("Vary", ""), url
    # What nginx answers by itself, and what it passes through, carry the same guards.
    assert requests.get(f"{front.http}/metrics", timeout=10).status_code == 404
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert page.headers["X-Frame-Options"] == "DENY"


async def converse(stack: dict[str, Any], people: People, smtp: Mailbox) -> None:
    front: Any = stack["front"]  # nginx stands where the clients expect a server process
    (a, _), (b, _) = stack["apps"]
    await asyncio.to_thread(sign_in_on_the_web, front, people.member.email)
    florence = await Api.login(front, people.facilitator.email)
    marc = await Api.login(front, people.member.email)

    # Two people, and nginx (least_conn) puts their sockets on the two processes.
    async with Subscriber.connect(front, florence) as on_one, \
            Subscriber.connect(front, marc) as on_other:
        assert (open_sockets(a.port), open_sockets(b.port)) == (1, 1)
        for client in (on_one, on_other):
            assert (await client.subscribe(SPACE, after=0))["head"] == 0
        thread = await florence.start_thread(SPACE, "Bornes sonores", "Qui en a installé ?")
        expected = [posted(thread)]
        expected.append(posted(await marc.post(thread["thread"]["id"], "Nous, à Laval.")))
        for client in (on_one, on_other):
            got = await client.events_through(expected[-1][0])
            assert [received(event) for event in got] == expected

        # A document up through nginx, into S3, and back.
        content = b"Date;Lieu\n2027-03-04;Laval\n"
        upload = await asyncio.to_thread(
            requests.post, f"{front.http}/api/v1/spaces/{SPACE}/documents",
            headers={"Authorization": f"Bearer {florence.token}"},
            files={"file": ("calendrier.csv", content, "text/csv")},
            data={"title": "Calendrier"}, timeout=30)
        assert upload.status_code == 201, upload.text
        download = await asyncio.to_thread(
            requests.get, f"{front.http}/api/v1/documents/{upload.json()['id']}/download",
            headers={"Authorization": f"Bearer {florence.token}"}, timeout=30)
        assert download.status_code == 200 and download.content == content

    # The weekly digest, queued by the scheduled command and sent by the worker.
    await asyncio.to_thread(manage, stack["env"], "send_digests", "--frequency", "weekly")
    deadline = time.monotonic() + 30
    while not smtp.to(people.other_member.email):
        assert time.monotonic() < deadline, "no digest reached the SMTP server"
        await asyncio.sleep(0.2)
    digest = smtp.to(people.other_member.email)[0]
    assert "Bornes sonores" in digest.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_people_converse_share_documents_and_get_digests_through_nginx(
        stack: dict[str, Any], community: People, smtp_mailbox: Mailbox) -> None:
    smtp_mailbox.clear()
    asyncio.run(converse(stack, community, smtp_mailbox))


async def survive_a_killed_process(stack: dict[str, Any], people: People) -> None:
    front: Any = stack["front"]  # nginx stands where the clients expect a server process
    (a, a_process), (b, _) = stack["apps"]
    florence = await Api.login(front, people.facilitator.email)
    marc = await Api.login(front, people.member.email)
    thread = await florence.start_thread(SPACE, "Rencontre de mars", "Ordre du jour ?")
    thread_id = thread["thread"]["id"]
    async with Subscriber.connect(front, florence) as first, \
            Subscriber.connect(front, marc) as second:
        for client in (first, second):
            await client.subscribe(SPACE, after=0)
            await client.events_through(thread["seq"])
        on_a = first if open_sockets(a.port) and open_sockets(b.port) else None
        assert on_a is not None, "both sockets landed on one process"
        a_process.kill()  # SIGKILL: no goodbye, no flush
        a_process.wait(timeout=10)

        # Posts go on through nginx, which now sends everything to the survivor.
        missed = [posted(await marc.post(thread_id, f"Pendant la panne {i}")) for i in range(5)]
        # Whichever socket was on the killed process is closed; its client reconnects
        # through nginx and resumes after the last seq it saw.
        survivors, resumed = [], []
        for client, api in ((first, florence), (second, marc)):
            try:
                got = await client.events_through(missed[-1][0], within=5)
                survivors.append([received(e) for e in got])
            except Exception:
                async with Subscriber.connect(front, api) as again:
                    await again.subscribe(SPACE, after=thread["seq"])
                    got = await again.events_through(missed[-1][0])
                    resumed.append([received(e) for e in got])
                    assert await again.silence(1.0) == []
        assert len(resumed) == 1 and len(survivors) == 1
        assert resumed == [missed] and survivors == [missed]


def test_a_killed_process_loses_no_event_for_its_clients(stack: dict[str, Any],
                                                         community: People) -> None:
    asyncio.run(survive_a_killed_process(stack, community))


def test_readiness_follows_redis_through_nginx(stack: dict[str, Any]) -> None:
    front: Any = stack["front"]  # nginx stands where the clients expect a server process
    assert ready(front).status_code == 200
    stack["redis"].terminate()
    stack["redis"].wait(timeout=10)
    answer = ready(front)
    assert answer.status_code == 500
    assert any(name.startswith("Redis") and why != "OK" for name, why in answer.json().items())
    stack["stack"].enter_context(redis_on(stack["redis_port"]))
    wait_until(lambda: ready(front).status_code == 200, "readyz back to 200 after Redis")
