"""How allauth's account flows meet the product.

- No open sign-up: accounts come from invitations (communities.services.spaces).
- A new password, whether changed, set or reset, goes through the accounts service, which
  ends every other session (their websockets close on the hubs' next audit) and revokes the
  API tokens, as the password change did before allauth.
- Its mail takes the product's one path (emails.outgoing), in the reader's language.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from communities.models import User
from communities.services import accounts
from emails.outgoing import compose, deliver, in_language, language_of


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _("Courriel ou mot de passe incorrect."),
        "incorrect_code": _("Ce code n'est pas le bon : vérifiez-le (il est dans le dernier "
                            "courriel reçu)."),
        "incorrect_password": _("Mot de passe incorrect."),
        # After the last wrong code: that code no longer works.
        "too_many_login_attempts": _("Trop d'essais avec ce code : par sécurité, il ne "
                                     "fonctionne plus. Demandez-en un nouveau."),
        "rate_limited": _("Trop de demandes en peu de temps : patientez quelques minutes "
                          "avant de réessayer."),
        "duplicate_email": _("C'est déjà le courriel de votre compte."),
        "same_as_current": _("C'est déjà le courriel de votre compte."),
        "email_taken": _("Ce courriel est déjà celui d'un autre compte."),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def set_password(self, user: AbstractBaseUser, password: str) -> None:
        assert isinstance(user, User)
        request = allauth_context.request
        session = getattr(request, "session", None)
        # The session the change is made from stays signed in (allauth then updates its
        # hash); after a reset, that session is an anonymous one, so every session ends.
        keep = session.session_key if session is not None else None
        accounts.change_password(user=user, new_password=password, keep_session_key=keep)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        reader = context.get("user")
        if not isinstance(reader, User):
            reader = User.objects.filter(email__iexact=email).first()
        language = language_of(reader) if reader is not None else (
            translation.get_language() or "fr-ca")
        with in_language(language):
            full = {"email": email, "reader": reader, **context}
            subject = " ".join(render_to_string(f"{template_prefix}_subject.txt",
                                                full).split())
            text = render_to_string(f"{template_prefix}_message.txt", full).strip() + "\n"
        deliver([compose(to=email, language=language, subject=subject, text=text)])

    def get_email_verification_redirect_url(self, email_address: Any) -> str:
        request = allauth_context.request
        if request is not None and request.user.is_authenticated:
            return reverse("account-security")
        return reverse("login")

    def get_password_change_redirect_url(self, request: HttpRequest) -> str:
        return reverse("account-security")
