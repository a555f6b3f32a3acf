"""Serve signed-in people in their preferred language unless they picked one for this
session; anonymous visitors get the browser's choice, French by default."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class SyncAndAsyncMiddleware:
    """Base of the project's middleware. Both sync and async: under ASGI a sync-only
    middleware would cost every request two thread hops. Subclasses write ``__call__`` for
    the sync chain and ``__acall__`` for the async one, and call ``__acall__`` from
    ``__call__`` when ``is_async``."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        raise NotImplementedError


class UserLanguageMiddleware(SyncAndAsyncMiddleware):
    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self.__acall__(request)
        _activate(request, getattr(request, "user", None))
        return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        # request.user would read the session and the account synchronously, which an event
        # loop refuses; auser() is its async twin, set by AuthenticationMiddleware.
        auser: Callable[[], Awaitable[Any]] | None = getattr(request, "auser", None)
        _activate(request, None if auser is None else await auser())
        return await self.get_response(request)


def _activate(request: HttpRequest, user: Any) -> None:
    chosen_cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if user is not None and user.is_authenticated and not chosen_cookie:
        translation.activate(user.language)
        request.LANGUAGE_CODE = translation.get_language()
