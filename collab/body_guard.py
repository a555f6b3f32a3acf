"""Refuse a request body before anyone reads it.

Django's ASGI handler reads the whole body (spooled to disk past 2.5 MB) before any middleware
or view runs, so a limit checked by a view comes after the server has taken every byte. This
wrapper answers from the headers alone: 413 when ``Content-Length`` announces more than
``REQUEST_MAX_BODY_BYTES``, 401 when a large body comes with neither a live session nor a
valid API token. A body without ``Content-Length`` (chunked) is cut off once it passes the
limit. Under uvicorn (production) the refused body is then never read; daphne receives it
whole before the application is called, so there the refusal saves the application's copy.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from importlib import import_module
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import translation
from django.utils.translation import gettext as _

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
App = Callable[..., Awaitable[None]]

#: Anonymous bodies are small (sign-in, join links, one-click unsubscribe): larger ones must
#: come from someone signed in.
ANONYMOUS_BODY_BYTES = 1024 * 1024


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return {name.lower(): value for name, value in scope.get("headers", [])}


def _signed_in(headers: dict[bytes, bytes]) -> bool:
    """A live session or a valid API token, without reading the body (database access)."""
    from communities.services.accounts import user_for_api_token

    authorization = headers.get(b"authorization", b"").decode("latin-1")
    scheme, _space, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return user_for_api_token(token.strip()) is not None
    cookies = SimpleCookie()
    try:
        cookies.load(headers.get(b"cookie", b"").decode("latin-1"))
    except Exception:  # a malformed cookie header is simply no session
        return False
    morsel = cookies.get(settings.SESSION_COOKIE_NAME)
    if morsel is None or not morsel.value:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(morsel.value)
    return store.get(SESSION_KEY) is not None


async def _refuse(scope: Scope, send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"code": code, "message": message}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json; charset=utf-8"),
        # No "Connection: close": closing with the body unread would reset the connection and
        # the client could lose this answer; the server discards the rest as it arrives.
        (b"content-length", str(len(body)).encode()),
    ]})
    await send({"type": "http.response.body", "body": body})


def _language(headers: dict[bytes, bytes]) -> str:
    accepted = headers.get(b"accept-language", b"").decode("latin-1").lower()
    return "en" if accepted.startswith("en") else settings.LANGUAGE_CODE


class RequestBodyGuard:
    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in {"GET", "HEAD", "OPTIONS"}:
            return await self.app(scope, receive, send)
        headers = _headers(scope)
        limit = settings.REQUEST_MAX_BODY_BYTES
        try:
            length = int(headers[b"content-length"]) if b"content-length" in headers else None
        except ValueError:
            length = None
        with translation.override(_language(headers)):
            if length is not None and length > limit:
                return await _refuse(scope, send, 413, "too_large", _(
                    "Envoi trop volumineux : %(max)s Mo au plus par requête.")
                    % {"max": limit // (1024 * 1024)})
            chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
            large = chunked or (length or 0) > ANONYMOUS_BODY_BYTES
            if large and not await database_sync_to_async(_signed_in)(headers):
                return await _refuse(scope, send, 401, "unauthenticated", _(
                    "Connectez-vous avant d'envoyer un fichier : la session a pris fin ou "
                    "le jeton est invalide."))
        return await self.app(scope, _counted(receive, limit), send)


def _counted(receive: Receive, limit: int) -> Receive:
    """A body sent in chunks without a length is cut off (as a client disconnect) once it
    passes the limit, so it can never fill the disk behind Django's back."""
    seen = 0

    async def counted() -> dict[str, Any]:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                return {"type": "http.disconnect"}
        return message

    return counted
