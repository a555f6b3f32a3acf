"""The notification inbox: the list, opening an item (marks it read), marking read without
JavaScript (one, all), and the counts a live page catches up with."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from communities.models import User
from inbox import selectors, services, whats_new
from inbox.access import visible_items
from inbox.registry import label_of


def _me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@require_http_methods(["GET", "HEAD"])
def inbox(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    unread_only = request.GET.get("filtre") == "non-lus"
    items = selectors.latest_items(me, unread_only=unread_only)
    for item in items:
        item.label = label_of(item.kind)  # type: ignore[attr-defined]
    return render(request, "frontend/inbox/inbox.html", {
        "items": items, "unread_only": unread_only,
        "unread": selectors.unread_count(me),
    })


@login_required
@require_GET
def open_item(request: HttpRequest, item_id: int) -> HttpResponse:
    """Follow an item's link: reading it is what opening it means."""
    me = _me(request)
    item = visible_items(me).filter(pk=item_id).first()
    if item is None:
        raise Http404(_("Cette notification n'existe pas ou ne vous est plus accessible."))
    if item.read_at is None:
        services.mark_read(user=me, item_ids=[item.pk])
    return redirect(item.target)


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = ""
    return redirect(target or "inbox")


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


@login_required
@require_POST
def mark_read(request: HttpRequest, item_id: int) -> HttpResponse:
    me = _me(request)
    services.mark_read(user=me, item_ids=[item_id])
    if _wants_json(request):
        return JsonResponse({"unread": selectors.unread_count(me)})
    messages.success(request, _("Notification marquée comme lue."))
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    changed = services.mark_all_read(user=me)
    if _wants_json(request):
        return JsonResponse({"unread": 0})
    if changed:
        messages.success(request, ngettext("%(n)s notification marquée comme lue.",
                                           "%(n)s notifications marquées comme lues.",
                                           changed) % {"n": changed})
    else:
        messages.info(request, _("Toutes vos notifications étaient déjà lues."))
    return _back(request)


@login_required
@require_GET
def counts(request: HttpRequest) -> JsonResponse:
    """What a live page re-reads after something it cannot count itself (a thread read
    elsewhere, a reconnection)."""
    return JsonResponse(whats_new.counts(_me(request)))

