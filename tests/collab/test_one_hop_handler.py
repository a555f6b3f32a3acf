"""The servers' HTTP handler runs a request's middleware and view in one thread hop: Django's
stock ASGI handler crosses between the event loop and the request's thread around every hook
of every ``MiddlewareMixin`` middleware."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import SyncToAsync, async_to_sync
from django.core.handlers.asgi import ASGIHandler
from django.urls import reverse

import collab.asgi
from collab.handler import OneHopASGIHandler
from communities.services.discussion import start_thread
from tests.asgi_driver import exchange, post_json, request
from tests.clients import token_for
from tests.conftest import People

pytestmark = pytest.mark.django_db


class Hops:
    """Calls of ``sync_to_async`` wrappers while active, and the threads the hooks ran on."""

    def __init__(self) -> None:
        self.count = 0
        self.threads: set[int] = set()


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hops]:
    seen = Hops()
    original = SyncToAsync.__call__

    async def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen.count += 1
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counted)
    yield seen


@pytest.fixture
def post(people: People) -> Any:
    thread = start_thread(
        actor=people.member, space=people.space, title="Bancs", body="Qui a un guide ?"
    ).thread
    token = token_for(people.member.email)
    path = f"/api/v1/threads/{thread.pk}/messages"
    counter = iter(range(1000))

    def send(handler: Any) -> Any:
        n = next(counter)
        return post_json(handler, path, {"body": f"Bonjour ({n})", "client_id": f"hop-{n}"}, token)

    return send


def test_the_servers_application_uses_it() -> None:
    assert isinstance(collab.asgi.django_http, OneHopASGIHandler)


def test_a_post_crosses_to_its_thread_once_for_the_whole_chain(post: Any, hops: Hops) -> None:
    ours, stock = OneHopASGIHandler(), ASGIHandler()
    assert post(ours).status_code == 201  # first requests fill caches
    assert post(stock).status_code == 201

    hops.count = 0
    answer = post(ours)
    ours_hops = hops.count
    assert answer.status_code == 201
    assert answer.json()["message"]["body"] == "Bonjour (2)"

    hops.count = 0
    assert post(stock).status_code == 201
    stock_hops = hops.count

    # The request-started signal, the chain with its view, the response's close.
    assert ours_hops == 3, ours_hops
    assert stock_hops >= 15, stock_hops


def test_every_hook_and_the_view_run_on_one_thread(
    people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.middleware.csrf import CsrfViewMiddleware
    from django.middleware.security import SecurityMiddleware

    threads: list[tuple[str, int]] = []

    def spy(cls: type, name: str) -> None:
        original = getattr(cls, name)

        def wrapper(self: Any, *args: Any) -> Any:
            threads.append((f"{cls.__name__}.{name}", threading.get_ident()))
            return original(self, *args)

        monkeypatch.setattr(cls, name, wrapper)

    spy(SecurityMiddleware, "process_request")
    spy(SessionMiddleware, "process_request")
    spy(CsrfViewMiddleware, "process_view")
    spy(SessionMiddleware, "process_response")
    spy(SecurityMiddleware, "process_response")
    answer = request(OneHopASGIHandler(), "GET", reverse("account_login"))
    assert answer.status_code == 200
    assert "nosniff" in answer.headers["x-content-type-options"]
    assert len(threads) == 5, threads
    assert len({ident for _, ident in threads}) == 1, threads


def test_errors_still_become_answers(people: People) -> None:
    missing = request(OneHopASGIHandler(), "GET", "/cette-page-n-existe-pas/")
    assert missing.status_code == 404
    token = token_for(people.member.email)
    refused = post_json(
        OneHopASGIHandler(),
        "/api/v1/threads/999999/messages",
        {"body": "Allô", "client_id": "x"},
        token,
    )
    assert refused.status_code == 404
    assert refused.json()


@pytest.mark.django_db(transaction=True)
def test_requests_take_threads_that_serve_one_request_after_another(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from django.middleware.security import SecurityMiddleware

    ran_on: list[threading.Thread] = []
    original = SecurityMiddleware.process_request

    def noted(self: Any, request: Any) -> Any:
        ran_on.append(threading.current_thread())
        if request.GET.get("slow"):
            time.sleep(0.3)  # still running when the other request starts
        return original(self, request)

    monkeypatch.setattr(SecurityMiddleware, "process_request", noted)
    handler = OneHopASGIHandler()
    login = reverse("account_login")

    async def scenario() -> list[int]:
        one = await exchange(handler, "GET", login)
        two = await exchange(handler, "GET", login)
        together = await asyncio.gather(exchange(handler, "GET", f"{login}?slow=1"),
                                        exchange(handler, "GET", login))
        return [one.status_code, two.status_code, *(a.status_code for a in together)]

    assert async_to_sync(scenario)() == [200] * 4
    loop_thread = threading.current_thread()
    assert loop_thread not in ran_on
    # One after the other: the same thread, kept between them (not a new one each time).
    assert ran_on[0] is ran_on[1]
    # At the same time: each its own thread, one of them the kept one.
    assert ran_on[2] is not ran_on[3]
    assert ran_on[0] in ran_on[2:]
    assert len(handler.threads.idle) == 2
    assert all(thread.is_alive() for thread in ran_on)
