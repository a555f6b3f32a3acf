"""The personal calendar feed: a page to create, regenerate or turn off the secret URL, and
the feed itself, which calendar apps fetch without a session."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from communities.models import User
from meetings.calendar import feed_calendar
from meetings.models import CalendarFeed
from meetings.selectors import feed_meetings
from meetings.services import feeds


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def feed_page(request: HttpRequest) -> HttpResponse:
    me = request.user
    assert isinstance(me, User)
    new_url = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "issue":
            token = feeds.issue_calendar_feed(actor=me)
            new_url = request.build_absolute_uri(reverse("calendar-feed", args=[token]))
            messages.success(request, _("Nouvelle adresse créée. Toute adresse précédente "
                                        "ne fonctionne plus."))
        elif action == "revoke":
            if feeds.revoke_calendar_feed(actor=me):
                messages.success(request, _("Votre agenda personnel est désactivé : "
                                            "l'adresse ne fonctionne plus."))
            return redirect("calendar-feed-page")
        else:
            messages.error(request, _("Action inconnue."))
            return redirect("calendar-feed-page")
    feed = CalendarFeed.objects.filter(user=me).first()
    # webcal:// makes Apple Calendar and Outlook offer to subscribe on a click.
    webcal_url = "webcal://" + new_url.split("://", 1)[1] if new_url else None
    response = render(request, "frontend/meetings/feed.html",
                      {"feed": feed, "new_url": new_url, "webcal_url": webcal_url})
    # The page may show the secret URL once: never cached. "same-origin" rather than
    # "no-referrer": with no referrer Chromium posts the page's forms with "Origin: null",
    # which the CSRF check rightly refuses.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


@require_http_methods(["GET", "HEAD"])
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """No session: the secret in the URL is the credential. An unknown or revoked token gets
    a plain 404, the same as a URL that never existed."""
    user = feeds.user_for_feed_token(token)
    if user is None:
        raise Http404
    body = feed_calendar(feed_meetings(user), name=_("Espace collaboratif — mes rencontres")
                         ).to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="rencontres.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["Referrer-Policy"] = "no-referrer"
    return response
