"""The tokens that open a door (join-back links, invitations, calendar feeds, unsubscribe
links, websocket tickets) never reach a server's log: the real server is started, asked for
each, and its log read."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import pytest
import requests

from tests.servers import ROOT, running_server

pytestmark = pytest.mark.django_db(transaction=True)


def _secret_paths() -> dict[str, str]:
    """token -> the path that carries it, as the emails and pages link to them."""
    tokens = {name: secrets.token_urlsafe(32) for name in
              ("join", "fresh", "invitation", "feed", "unsubscribe")}
    return {
        tokens["join"]: f"/courriel/lien/{tokens['join']}/",
        tokens["fresh"]: f"/courriel/lien/{tokens['fresh']}/nouveau/",
        tokens["invitation"]: f"/invitation/{tokens['invitation']}/",
        tokens["feed"]: f"/agenda/{tokens['feed']}.ics",
        tokens["unsubscribe"]: f"/courriel/desabonnement/{tokens['unsubscribe']}/",
    }


def _log_once_written(log: Path, count: int, marker: str, timeout: float = 15) -> str:
    """The log once ``marker`` appears ``count`` times in it (servers write after answering)."""
    deadline = time.monotonic() + timeout
    while True:
        text = log.read_text(errors="replace")
        if text.count(marker) >= count or time.monotonic() > deadline:
            return text
        time.sleep(0.05)


@pytest.mark.parametrize("server", ["daphne", "uvicorn"])
def test_no_token_appears_in_the_servers_log(server, people):
    paths = _secret_paths()
    ticket = secrets.token_urlsafe(32)
    with running_server(redis_url=os.environ.get("REDIS_URL") or None, server=server,
                        access_log=True) as process:
        for path in paths.values():
            requests.get(process.http + path, timeout=10)
        requests.get(f"{process.http}/ws/?ticket={ticket}", timeout=10)
        log = ROOT / "var" / f"server-{process.port}.log"
        text = _log_once_written(log, len(paths) + 1, '"GET /')

    assert text.count('"GET /') >= len(paths) + 1, text
    # The requests are logged, with the route still readable...
    assert "/invitation/" in text and "/agenda/" in text and "/courriel/lien/" in text
    # ...but none of the secrets.
    for token in [*paths, ticket]:
        assert token not in text, f"{token} in the {server} log:\n{text}"


def _routes_with_a_token(patterns, prefix=""):  # type: ignore[no-untyped-def]
    from django.urls import URLPattern, URLResolver

    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes_with_a_token(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and "<str:token>" in route:
            yield route


def test_every_route_taking_a_token_is_masked():
    from django.urls import get_resolver

    from collab.accesslog import mask

    routes = list(_routes_with_a_token(get_resolver().url_patterns))
    assert len(routes) >= 5
    for route in routes:
        token = secrets.token_urlsafe(32)
        path = "/" + route.replace("<str:token>", token)
        line = f'127.0.0.1:5000 - - [03/Dec/2026:02:51:42] "GET {path}?x=1" 200 12'
        assert token not in mask(line), route
        assert mask(line).startswith('127.0.0.1:5000 - - [03/Dec/2026:02:51:42] "GET /')
