"""Who is on the other end of a websocket, and whether the page that opened it may.

Browsers authenticate with their session cookie, which any site could make a browser send;
requiring an Origin from our own hosts is what stops cross-site websocket hijacking. API
clients present a single-use ticket instead and may omit Origin, but never send a foreign one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from channels.auth import AuthMiddlewareStack
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import validate_host

from communities.services.accounts import redeem_realtime_ticket
from realtime.store import database_sync_to_async

Scope = dict[str, Any]


def _origin(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"origin":
            return value.decode("latin1")
    return None


def origin_allowed(origin: str) -> bool:
    parts = urlsplit(origin)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return False
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    return validate_host(host, settings.ALLOWED_HOSTS)


class WebsocketAuthMiddleware:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.with_session = AuthMiddlewareStack(inner)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> Any:
        origin = _origin(scope)
        tickets = parse_qs(scope.get("query_string", b"").decode("latin1")).get("ticket")
        if origin is not None and not origin_allowed(origin):
            return await WebsocketDenier()(scope, receive, send)
        if tickets:
            redeemed = await database_sync_to_async(redeem_realtime_ticket)(raw=tickets[0])
            if redeemed is None:
                return await WebsocketDenier()(scope, receive, send)
            user, api_token_id = redeemed
            return await self.inner({**scope, "user": user, "auth": "ticket",
                                     "api_token": api_token_id}, receive, send)
        if origin is None:
            return await WebsocketDenier()(scope, receive, send)
        return await self.with_session({**scope, "auth": "session"}, receive, send)
