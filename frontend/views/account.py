"""The person's own account security: change the password, sign out everywhere else, and
list or revoke their API tokens. Django's password-change form and view, restyled; every
write goes through communities.services.accounts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
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


class PasswordChange(PasswordChangeView):
    """Django's view and form (current password, then the new one twice through the
    password validators); saving goes through the service, which ends every other session."""

    template_name = "frontend/account/password_change.html"
    success_url = reverse_lazy("account-security")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user = _me(self.request)
        accounts.change_password(user=user, new_password=form.cleaned_data["new_password1"],
                                 keep_session_key=self.request.session.session_key)
        # The session this was done from stays signed in (under a new key).
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Votre mot de passe est changé. Vos autres sessions "
                                         "sont fermées et vos jetons d'API révoqués."))
        return redirect(self.get_success_url())


password_change = PasswordChange.as_view()
