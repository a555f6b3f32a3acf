"""How django-axes names who is guessing and how a lockout is answered.

The sign-in page and the API token endpoint share one count, so the answer depends on the
door: the API gets the same ``{code, message}`` JSON as its other refusals, the page a page
of the product. Both in the reader's language, with the wait stated and a ``Retry-After``.
"""

from __future__ import annotations

import math
from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext


class SignInThrottle(AxesStandaloneBackend):
    """axes's gate, first of the backends: it refuses a locked-out sign-in before any password
    is hashed. A call without a request (a management command, a benchmark script) has no
    address to count and is not a guess from outside, so it passes to the next backend."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class EmailPasswordBackend(AuthenticationBackend):
    """allauth's check of an address and its password, with the last word: a wrong password
    stops here instead of being hashed a second time by ModelBackend, which stays listed only
    so that sessions opened before allauth keep their user."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> Any:
        user = super().authenticate(request, **credentials)
        if user is None and credentials.get("password") is not None:
            raise PermissionDenied
        return user


def username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The account a failure counts against, spelled as the sign-in compares it (addresses are
    case-insensitive here), so ``Marc@…`` is not a fresh account to guess at. NUL is dropped:
    PostgreSQL cannot store it and the attempt must still be counted, not crash. allauth's
    sign-in passes the address as ``email``; the API token endpoint as ``username``."""
    given = credentials or {}
    raw = (given.get("username") or given.get("email") or request.POST.get("username")
           or "")
    return str(raw).replace("\x00", "").strip().lower()[:255]


def lockout_message() -> str:
    minutes = max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return ngettext(
        "Trop de tentatives de connexion. Par sécurité, la connexion à ce compte ou depuis "
        "cette adresse est suspendue : réessayez dans %(minutes)d minute.",
        "Trop de tentatives de connexion. Par sécurité, la connexion à ce compte ou depuis "
        "cette adresse est suspendue : réessayez dans %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, *args: Any) -> HttpResponse:
    """axes calls this with (request, response, credentials) or, from its async path,
    (request, credentials); neither extra is needed."""
    message = lockout_message()
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "too_many_attempts", "message": message}, status=429)
    else:
        response = render(request, "frontend/login_locked.html", {"message": message},
                          status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
