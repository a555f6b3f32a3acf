"""Who is on the other end of a websocket, and whether the page that opened it may.

Browsers authenticate with their session cookie, which any site could make a browser send;
requiring an Origin from our own hosts is what stops cross-site websocket hijacking. API
clients present a single-use ticket instead and may omit Origin, but never send a foreign one.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any
from urllib.parse import parse_qs, urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest
from django.http.cookie import parse_cookie
from django.http.request import validate_host

from communities.services.accounts import redeem_realtime_tickets
from realtime.gather import Gathered
from realtime.store import database_sync_to_async

Scope = dict[str, Any]


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return value.decode("latin1")
    return None


def _origin(scope: Scope) -> str | None:
    return _header(scope, b"origin")


def session_user(session_key: str | None) -> tuple[Any, Any]:
    """The person a session cookie signs in, the way Django's pages judge it (the session's
    auth hash checked, fallback keys included), and the session. Run on realtime.store's
    threads, not channels' single one that its AuthMiddlewareStack uses: a storm of browsers
    reconnecting would queue every session and user read there, behind one another."""
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    return auth.get_user(request), request.session


def _redeem_all(raws: list[str]) -> list[tuple[Any, int | None] | None]:
    return redeem_realtime_tickets(raws=raws)


#: Tickets presented together are claimed in one statement and one commit (realtime.gather):
#: in a storm, each claim waited for a commit of its own.
redeem_ticket = Gathered(database_sync_to_async(_redeem_all))


def origin_allowed(origin: str) -> bool:
    parts = urlsplit(origin)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return False
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    return validate_host(host, settings.ALLOWED_HOSTS)


class WebsocketAuthMiddleware:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> Any:
        origin = _origin(scope)
        tickets = parse_qs(scope.get("query_string", b"").decode("latin1")).get("ticket")
        if origin is not None and not origin_allowed(origin):
            return await WebsocketDenier()(scope, receive, send)
        if tickets:
            redeemed = await redeem_ticket(tickets[0])
            if redeemed is None:
                return await WebsocketDenier()(scope, receive, send)
            user, api_token_id = redeemed
            return await self.inner({**scope, "user": user, "auth": "ticket",
                                     "api_token": api_token_id}, receive, send)
        if origin is None:
            return await WebsocketDenier()(scope, receive, send)
        cookies = parse_cookie(_header(scope, b"cookie") or "")
        user, session = await database_sync_to_async(session_user)(
            cookies.get(settings.SESSION_COOKIE_NAME))
        return await self.inner({**scope, "auth": "session", "cookies": cookies,
                                 "session": session, "user": user}, receive, send)
