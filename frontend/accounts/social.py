"""Single sign-on's rules. A provider's answer opens an account only through an address it
vouches for (``email_verified``, or a domain its settings trust): the account of that address
when there is one, or a new account when an invitation to that address is waiting, which the
person then accepts like any invitation. SSO never makes anyone a member of anything; anyone
else gets a page saying so."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from communities.models import User
from communities.selectors import has_pending_invitation


def verified_addresses(sociallogin: SocialLogin) -> list[str]:
    return [address.email.lower() for address in sociallogin.email_addresses
            if address.verified and address.email]


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return any(has_pending_invitation(email) for email in verified_addresses(sociallogin))

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin,
                      data: dict[str, Any]) -> User:
        user = super().populate_user(request, sociallogin, data)
        assert isinstance(user, User)
        invited = next((email for email in verified_addresses(sociallogin)
                        if has_pending_invitation(email)), None)
        if invited:
            user.email = invited
        name = " ".join(str(data.get("name") or "").split())
        if not name:
            name = " ".join(filter(None, (data.get("first_name"), data.get("last_name"))))
        user.display_name = (name or user.email.partition("@")[0])[:120]
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin,
                  form: Any = None) -> User:
        user = super().save_user(request, sociallogin, form)
        if not sociallogin.state.get("next"):
            messages.info(request, _("Votre compte est créé. Pour rejoindre l'espace où l'on "
                                     "vous invite, ouvrez le lien de l'invitation reçue par "
                                     "courriel."))
        return user
