"""Accepting an invitation: a new person creates their account on the spot, a signed-in
person confirms with one button. A dead link gets an explanation, never an error page, and so
does someone signed in with another account than the invited address's."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from communities.addresses import mask_email
from communities.errors import ServiceError
from communities.models import Invitation, Membership
from communities.services.spaces import accept_invitation as accept
from communities.services.spaces import check_invitation_recipient, invitation_for_token
from frontend.forms import ServiceForm
from frontend.profile_forms import InvitationSignUpForm

# Codes that mean the link itself is dead, as opposed to a problem with what was typed.
DEAD_LINK = frozenset({"invitation_unknown", "invitation_used", "invitation_expired"})


def _dead_link(request: HttpRequest, error: ServiceError) -> HttpResponse:
    return render(request, "frontend/invitation_invalid.html",
                  {"error": error, "code": error.code, "days": settings.INVITATION_DAYS},
                  status=error.status)


def _other_address(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    # Signing out leads to the sign-in page, which brings the right account back to this link;
    # the token is untouched, so the link still works for the person it was sent to.
    return render(request, "frontend/invitation_other_address.html",
                  {"invitation": invitation, "space": invitation.space,
                   "masked_email": mask_email(invitation.email),
                   "login_then_back": reverse("login") + "?next=" + request.path,
                   "token_path": request.path}, status=403)


def _welcome(request: HttpRequest, membership: Membership) -> HttpResponse:
    messages.success(request, _("Bienvenue dans « %(space)s » !")
                     % {"space": membership.space.name})
    return redirect("space", slug=membership.space.slug)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitation_for_token(token)
    except ServiceError as error:
        return _dead_link(request, error)
    if request.user.is_authenticated:
        try:
            check_invitation_recipient(invitation=invitation,
                                       user=request.user)  # type: ignore[arg-type]
        except ServiceError:
            return _other_address(request, invitation)
    form: ServiceForm
    if request.user.is_authenticated:
        form = ServiceForm(request.POST if request.method == "POST" else None)
    else:
        form = InvitationSignUpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            if request.user.is_authenticated:
                membership = accept(raw_token=token, user=request.user)  # type: ignore[arg-type]
            else:
                membership = accept(raw_token=token,
                                    display_name=form.cleaned_data["display_name"],
                                    password=form.cleaned_data["password"],
                                    profile=form.profile_input())  # type: ignore[attr-defined]
                login(request, membership.user,
                      backend="django.contrib.auth.backends.ModelBackend")
        except ServiceError as error:
            if error.code in DEAD_LINK:
                return _dead_link(request, error)
            if error.code == "invitation_other_address":  # the account changed meanwhile
                return _other_address(request, invitation)
            form.add_service_error(error)
        else:
            return _welcome(request, membership)
    return _render(request, invitation, form, status=400 if form.is_bound else 200)


def _render(request: HttpRequest, invitation: Invitation, form: ServiceForm,
            *, status: int) -> HttpResponse:
    return render(request, "frontend/invitation.html",
                  {"invitation": invitation, "space": invitation.space, "form": form,
                   "token_path": request.path}, status=status)
