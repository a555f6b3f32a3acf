"""The person's own account security: sign out everywhere else, and list or revoke their API
tokens. Changing the password or the address are django-allauth's pages (frontend/accounts),
whose new passwords also go through communities.services.accounts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.errors import ServiceError
from communities.models import User
from communities.selectors import api_tokens_of
from communities.services import accounts


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
def security(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/account/security.html",
                  {"tokens": list(api_tokens_of(_me(request)))})


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        accounts.revoke_api_token(user=_me(request), token_id=token_id)
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Le jeton est révoqué : il ne fonctionne plus."))
    return redirect("account-security")


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    accounts.sign_out_everywhere(user=_me(request), keep_session_key=request.session.session_key)
    messages.success(request, _("Vos autres sessions sont fermées et vos jetons d'API "
                                "révoqués. Vous restez connecté ici."))
    return redirect("account-security")
