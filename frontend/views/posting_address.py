"""The space's posting address: every member reads it (to start a thread by email), the
facilitators replace it when it reached someone it should not have."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from communities.access import may_manage, membership_of
from communities.errors import ServiceError
from communities.models import User
from frontend.queries import space_or_404
from frontend.views.refusals import refused
from replies import posting


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def posting_address(request: HttpRequest, slug: str) -> HttpResponse:
    me: User = request.user  # type: ignore[assignment]
    space = space_or_404(me, slug)
    if request.method == "POST":
        try:
            posting.rotate(actor=me, space=space)
        except ServiceError as error:
            return refused(request, error, space=space)
        messages.success(request, _("Nouvelle adresse de publication : l'ancienne ne "
                                    "fonctionne plus."))
        return redirect("posting-address", slug=space.slug)
    return render(request, "frontend/posting_address.html", {
        "space": space, "address": posting.address_of(space),
        "can_manage": may_manage(membership_of(user=me, space=space), me),
    })
