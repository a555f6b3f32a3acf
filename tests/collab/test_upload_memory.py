"""A large upload costs the server about its size in memory, not ten times that, and a body
that will be refused is refused before it is read: real server processes, RSS from /proc."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from communities.services.accounts import issue_api_token
from tests.servers import running_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]

MiB = 1024 * 1024
SIZE = 30 * MiB
BOUNDARY = "limite-du-banc"


def rss(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@contextmanager
def peak_growth(pid: int) -> Iterator[list[int]]:
    """Yields a one-item list that holds, after the block, the peak RSS growth in bytes."""
    before = rss(pid)
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss(pid))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    growth = [0]
    try:
        yield growth
    finally:
        done.set()
        sampler.join()
        growth[0] = max(peak[0], rss(pid)) - before


def multipart(content: bytes) -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"rapport.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").encode() + (
        content + f"\r\n--{BOUNDARY}--\r\n".encode())


def post(port: int, body: bytes, token: str | None) -> tuple[int, dict]:
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("POST", "/api/v1/spaces/rma/documents", body=body, headers=headers)
    answer = connection.getresponse()
    status, payload = answer.status, json.loads(answer.read())
    connection.close()
    return status, payload


def pdf(size: int) -> bytes:
    return b"%PDF-1.7\n" + os.urandom(size - 9)


@pytest.fixture
def token(people) -> str:
    return issue_api_token(email=people.facilitator.email, password="mot-de-passe-solide-42")


def test_an_upload_through_daphne_costs_about_its_size(people, token):
    content = pdf(SIZE)
    with running_server(redis_url=None) as server:
        # Warm-up: the first upload imports the API and the storage, which is not the body.
        assert post(server.port, multipart(pdf(MiB)), token)[0] == 201
        with peak_growth(server.process.pid) as growth:
            status, document = post(server.port, multipart(content), token)
        assert status == 201
        assert document["version"]["sha256"] == hashlib.sha256(content).hexdigest()
        # Twisted's form parsing used to hold ten copies (380 MB for these 30 MiB); daphne
        # still queues the body once for the application.
        assert growth[0] < 2 * SIZE, f"grew by {growth[0] // MiB} MiB"

        with peak_growth(server.process.pid) as growth:
            status, refusal = post(server.port, multipart(content), None)
        assert (status, refusal["code"]) == (401, "unauthenticated")
        assert "Connectez-vous" in refusal["message"]
        assert growth[0] < 2 * SIZE, f"grew by {growth[0] // MiB} MiB"


def headers_only(port: int, length: int, token: str | None = None) -> tuple[int, dict]:
    """Send a POST's headers announcing ``length`` bytes, no body, and read the answer: only
    a server that decides from the headers can answer."""
    lines = ["POST /api/v1/spaces/rma/documents HTTP/1.1", "Host: 127.0.0.1",
             f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
             f"Content-Length: {length}"]
    if token:
        lines.append(f"Authorization: Bearer {token}")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        answer = http.client.HTTPResponse(sock)
        answer.begin()
        return answer.status, json.loads(answer.read())


def test_uvicorn_refuses_an_oversized_or_anonymous_body_before_reading_it(people, token):
    with running_server(redis_url=None, server="uvicorn",
                        extra_env={"REQUEST_MAX_BODY_BYTES": str(100 * MiB)}) as server:
        status, refusal = headers_only(server.port, 200 * MiB, token)
        assert (status, refusal["code"]) == (413, "too_large")
        assert "100 Mo au plus" in refusal["message"]
        status, refusal = headers_only(server.port, SIZE, None)
        assert (status, refusal["code"]) == (401, "unauthenticated")
        status, refusal = headers_only(server.port, SIZE, "jeton-inconnu-" + secrets.token_hex(8))
        assert (status, refusal["code"]) == (401, "unauthenticated")
