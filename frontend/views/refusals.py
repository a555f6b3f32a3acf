"""How a page shows a service's refusal when there is no form to show it on."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from communities.errors import ServiceError
from communities.models import Space, Thread


def wants_json(request: HttpRequest) -> bool:
    """live.js sends small actions (reactions, reading positions) with fetch and applies their
    effect when the event comes back over the websocket, so it only needs to hear refusals."""
    return request.headers.get("X-Requested-With") == "fetch"


def refused(request: HttpRequest, error: ServiceError, *, space: Space,
            thread: Thread | None = None) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"code": error.code, "message": str(error.message)},
                            status=error.status)
    return render(request, "frontend/refused.html",
                  {"error": error, "space": space, "thread": thread}, status=error.status)
