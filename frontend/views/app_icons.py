"""The web app manifest and /favicon.ico: browsers ask for both at the site's root, and a
phone installs the site from the manifest."""

from __future__ import annotations

import json

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

THEME_COLOUR = "#0b4f6c"
BACKGROUND_COLOUR = "#f5f7f9"


@require_GET
@cache_control(max_age=86400, public=True)
def manifest(request: HttpRequest) -> HttpResponse:
    icons = [{"src": static(f"frontend/app/icon-{size}.png"), "sizes": f"{size}x{size}",
              "type": "image/png"} for size in (192, 512)]
    icons += [
        {"src": static("frontend/app/icon-maskable-512.png"), "sizes": "512x512",
         "type": "image/png", "purpose": "maskable"},
        {"src": static("frontend/app/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    body = {
        "name": _("Espace collaboratif — Espace MUNI"),
        "short_name": _("Espace MUNI"),
        "description": _("Les communautés de pratique d'Espace MUNI."),
        "lang": request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else "fr-CA",
        "start_url": reverse("my-spaces"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False),
                        content_type="application/manifest+json; charset=utf-8")


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> FileResponse:
    path = finders.find("frontend/app/favicon.ico")
    if not path:
        raise Http404
    return FileResponse(open(path, "rb"), content_type="image/x-icon")
