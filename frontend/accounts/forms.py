"""allauth's forms with the product's words and, where pages and password managers already
know them, the field names of the forms they replace: ``username`` for the address on the
sign-in page (django-axes counts failures against it too) and Django's names on the password
change page."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import (
    AddEmailForm,
    ConfirmLoginCodeForm,
    LoginForm,
    ReauthenticateForm,
    RequestLoginCodeForm,
    ResetPasswordForm,
    ResetPasswordKeyForm,
    SetPasswordForm,
)
from allauth.account.forms import ChangePasswordForm as BaseChangePasswordForm
from allauth.account.utils import filter_users_by_email
from django import forms
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _


class _Plain:
    """Labels without Django's trailing colon, like every other form of the product."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_suffix = ""


class _RenamedFields:
    """Maps allauth's field names to the names the page posts (``add_prefix`` is what
    Django uses for both the HTML name and reading the data)."""

    renamed: dict[str, str] = {}

    def add_prefix(self, field_name: str) -> str:
        return super().add_prefix(self.renamed.get(field_name, field_name))  # type: ignore[misc]


class SignInForm(_Plain, _RenamedFields, LoginForm):
    renamed = {"login": "username"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("Courriel")
        login.widget.attrs.update({"autocomplete": "email", "placeholder": ""})
        login.error_messages["required"] = _("Indiquez votre courriel.")
        login.error_messages["invalid"] = _("Ce courriel n'est pas valide : vérifiez-le.")
        password = self.fields["password"]
        password.label = _("Mot de passe")
        # The page links to the reset form itself, beside the field.
        password.help_text = ""
        password.widget.attrs.pop("placeholder", None)
        password.error_messages["required"] = _("Indiquez votre mot de passe.")


class ChangePasswordForm(_Plain, _RenamedFields, BaseChangePasswordForm):
    renamed = {"oldpassword": "old_password", "password1": "new_password1",
               "password2": "new_password2"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Django's own labels, with Django's French and English.
        self.fields["oldpassword"].label = gettext_lazy("Old password")
        self.fields["oldpassword"].help_text = ""
        self.fields["password1"].label = gettext_lazy("New password")
        self.fields["password2"].label = gettext_lazy("New password confirmation")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)

    def clean_oldpassword(self) -> str:
        assert self.user is not None
        if not self.user.check_password(self.cleaned_data.get("oldpassword", "")):
            raise forms.ValidationError(
                gettext_lazy("Your old password was entered incorrectly. Please enter it "
                             "again."),
                code="password_incorrect")
        return str(self.cleaned_data["oldpassword"])


class ChangeEmailForm(_Plain, AddEmailForm):
    """The new address of an account. A member may be told that an address is someone
    else's: they are signed in and invited, and a silent refusal would only confuse."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Nouveau courriel")
        self.fields["email"].widget.attrs.pop("placeholder", None)

    def clean_email(self) -> str:
        value = str(self.cleaned_data["email"]).lower()
        assert self.user is not None
        if any(user.pk != self.user.pk for user in filter_users_by_email(value)):
            raise forms.ValidationError(
                _("Ce courriel est déjà celui d'un autre compte."), code="email_taken")
        return str(super().clean_email())



class RequestCodeForm(_Plain, RequestLoginCodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Courriel")
        self.fields["email"].widget.attrs.pop("placeholder", None)
        self.fields["email"].error_messages["required"] = _("Indiquez votre courriel.")

    def clean_email(self) -> str:
        try:
            return str(super().clean_email())
        except forms.ValidationError as error:
            if error.code != "too_many_login_attempts":
                raise
            # allauth words this as failed sign-ins; here it is codes asked in a burst (for this
            # address, or from this network).
            raise forms.ValidationError(
                _("Trop de codes demandés en peu de temps : patientez une minute avant d'en "
                  "demander un autre, et vérifiez vos courriels indésirables."),
                code="rate_limited") from None


class CodeForm(_Plain, ConfirmLoginCodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Code reçu par courriel")
        self.fields["code"].widget.attrs.pop("placeholder", None)
        self.fields["code"].error_messages["required"] = _("Entrez le code reçu par courriel.")


class ResetForm(_Plain, ResetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Courriel")
        self.fields["email"].widget.attrs.pop("placeholder", None)
        self.fields["email"].error_messages["required"] = _("Indiquez votre courriel.")


class _NewPasswordLabels:
    """A reset and a first password read the same: the new password twice, no placeholder."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        fields = self.fields  # type: ignore[attr-defined]
        fields["password1"].label = gettext_lazy("New password")
        fields["password2"].label = gettext_lazy("New password confirmation")
        for field in fields.values():
            field.widget.attrs.pop("placeholder", None)


class NewPasswordForm(_NewPasswordLabels, _Plain, ResetPasswordKeyForm):
    pass


class FirstPasswordForm(_NewPasswordLabels, _Plain, SetPasswordForm):
    pass


class ConfirmIdentityForm(_Plain, ReauthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Mot de passe")
        self.fields["password"].help_text = ""
        self.fields["password"].widget.attrs.pop("placeholder", None)
