"""How a page shows a service's refusal when there is no form to show it on."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

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


class FacilitatorsOnly(PermissionDenied):
    """A member of the space opened a page or sent a form only its facilitators may use.
    Raised by the views (after the membership check, so non-members still get the 404 of an
    unknown space) and drawn by ``permission_denied`` as the "réservé à l'animation" page."""

    def __init__(self, space: Space) -> None:
        super().__init__("facilitators_only")
        self.space = space


def facilitators_only_page(request: HttpRequest, space: Space) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"code": "facilitators_only",
                             "message": _("Réservé à l'animation de cet espace.")}, status=403)
    return render(request, "frontend/refused.html", {"space": space, "reserved": True},
                  status=403)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The project's 403 page (``handler403``)."""
    if isinstance(exception, FacilitatorsOnly):
        return facilitators_only_page(request, exception.space)
    return render(request, "frontend/forbidden.html", status=403)
