"""Our middleware runs natively in either kind of chain: the servers build it synchronous
(collab.handler), Django's stock ASGI handler and the async test client build it
asynchronous, where a sync-only one would make Django hop to a thread and back around it."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from asgiref.sync import async_to_sync, iscoroutinefunction
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient
from django.utils.module_loading import import_string

from communities.models import User
from tests.conftest import People

THIRD_PARTY = ("django.", "axes.")
OURS = [path for path in settings.MIDDLEWARE if not path.startswith(THIRD_PARTY)]


def test_the_stack_has_middleware_of_ours_to_check() -> None:
    assert "communities.middleware.UserLanguageMiddleware" in OURS
    assert "frontend.middleware.ContentSecurityPolicyMiddleware" in OURS


@pytest.mark.parametrize("path", OURS)
def test_each_middleware_of_ours_is_sync_and_async_capable(path: str) -> None:
    middleware = import_string(path)
    assert middleware.sync_capable and middleware.async_capable

    async def async_view(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    def sync_view(request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    assert iscoroutinefunction(middleware(async_view))
    assert not iscoroutinefunction(middleware(sync_view))


def test_the_asgi_handler_adapts_none_of_our_middleware(
        caplog: pytest.LogCaptureFixture, settings: Any) -> None:
    settings.DEBUG = True  # Django names each adaptation only then
    with caplog.at_level(logging.DEBUG, logger="django.request"):
        handler = ASGIHandler()
    adapted = [r.getMessage() for r in caplog.records if "adapted for middleware" in r.getMessage()]
    assert not [line for line in adapted if any(path in line for path in OURS)], adapted
    # One sync middleware anywhere turns the chain outside it sync: none here.
    assert iscoroutinefunction(handler._middleware_chain)  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_an_async_request_is_served_in_the_member_language_with_the_policy(
        people: People) -> None:
    User.objects.filter(pk=people.member.pk).update(language="en")
    client = AsyncClient()

    async def visit() -> Any:
        await client.aforce_login(people.member)
        return await client.get("/")

    response = async_to_sync(visit)()
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert "script-src 'self'" in response["Content-Security-Policy"]
