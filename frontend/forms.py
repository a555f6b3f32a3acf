"""Forms of the web pages. They only shape and check input; the services decide what is
allowed, and their refusals come back as errors on these forms."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.functional import lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.errors import ServiceError
from communities.markdown import editor_html, mentions_as_names, rebind_mentions
from communities.models import Role
from communities.services.discussion import MAX_BODY_CHARS, MAX_TITLE_CHARS

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


class ServiceForm(forms.Form):
    """A form that can show a service's refusal next to the field it is about."""

    #: ServiceError code -> field the message belongs to (None: the whole form).
    error_fields: Mapping[str, str] = {}

    def add_service_error(self, error: ServiceError) -> None:
        if not hasattr(self, "cleaned_data"):
            self.full_clean()  # add_error needs a cleaned form, even one with no fields
        field = self.error_fields.get(error.code)
        self.add_error(field if field in self.fields else None, str(error.message))


def _body_help_now() -> str:
    return gettext("Mentionnez quelqu'un avec @. Au plus %(max)s caractères.") % {
        "max": f"{MAX_BODY_CHARS:,}".replace(",", "\xa0")}


# Lazy so the limit is announced in the language of each request, not of the import.
_body_help = lazy(_body_help_now, str)


class MarkdownTextarea(forms.Textarea):
    """A message's text. Without JavaScript it is this plain textarea; with it, composer.js
    puts a rich editor over it, started from the HTML rendered here (the page's own safe
    renderer, so no Markdown parser runs in the browser) and writing Markdown back into it."""

    template_name = "frontend/widgets/markdown_textarea.html"
    #: The Markdown the editor starts from when the textarea shows something else (the edit
    #: form shows mentions as "@Name"); None: the textarea's own value.
    source: str | None = None

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        markdown = self.source if self.source is not None else (context["widget"]["value"] or "")
        context["widget"]["markdown"] = markdown
        # editor_html is the sanitised rendering plus chips it escapes itself.
        context["widget"]["editor_html"] = (
            mark_safe(editor_html(markdown)) if markdown else "")  # noqa: S308
        return context


def _body_field(label: StrOrPromise) -> forms.CharField:
    # No max_length here: the service owns the limit and its wording, and a browser-enforced
    # maxlength would silently truncate a pasted text instead of explaining.
    return forms.CharField(
        label=label,
        widget=MarkdownTextarea(attrs={"rows": 3, "data-format": ""}),
        help_text=_body_help(),
        strip=False,
        # Blank input reaches the service so people read its message, whatever the browser.
        required=False,
    )


class ThreadForm(ServiceForm):
    error_fields = {"empty_title": "title", "title_too_long": "title",
                    "empty_body": "body", "body_too_long": "body"}

    title = forms.CharField(label=_("Titre"), required=False,
                            widget=forms.TextInput(attrs={"size": MAX_TITLE_CHARS // 4}))
    body = _body_field(_("Premier message"))
    is_question = forms.BooleanField(
        label=_("C'est une question"), required=False,
        help_text=_("Vous, ou l'animation, pourrez marquer la réponse qui la règle."))


class AnnouncementThreadForm(ThreadForm):
    """The new-thread form as facilitators see it: it may be posted as an announcement."""

    announcement = forms.BooleanField(
        label=_("Publier comme annonce"), required=False,
        help_text=_("Épinglée en haut de l'espace et envoyée tout de suite par courriel aux "
                    "membres qui reçoivent les annonces."))


class ReplyForm(ServiceForm):
    error_fields = {"empty_body": "body", "body_too_long": "body"}

    body = _body_field(_("Votre réponse"))
    # Set by the "Répondre" link of a message (?reply_to=) or by live.js.
    reply_to = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class EditForm(ServiceForm):
    """The stored text with its mentions shown as "@Name" (bound again on save), so nobody
    edits ``@**Name|id**`` by hand; the rich editor starts from the stored text itself."""

    error_fields = {"empty_body": "body", "body_too_long": "body"}

    body = _body_field(_("Nouveau texte du message"))

    def __init__(self, *args: Any, original: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.original = original
        widget = self.fields["body"].widget
        if self.is_bound:
            widget.source = rebind_mentions(self.data.get(self.add_prefix("body")) or "", original)
        else:
            self.initial.setdefault("body", mentions_as_names(original))
            widget.source = original

    def clean_body(self) -> str:
        body = rebind_mentions(self.cleaned_data["body"] or "", self.original)
        # A browser sends line breaks as CRLF: a text left as it was stays the stored one.
        if body.replace("\r\n", "\n") == self.original.replace("\r\n", "\n"):
            return self.original
        return body


class RenameForm(ServiceForm):
    error_fields = {"invalid_title": "title"}

    title = forms.CharField(label=_("Nouveau titre"), required=False,
                            widget=forms.TextInput(attrs={"size": MAX_TITLE_CHARS // 4}))


class InviteForm(ServiceForm):
    error_fields = {"invalid_email": "email", "already_member": "email",
                    "invalid_role": "role"}

    email = forms.CharField(label=_("Courriel"), max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.MEMBER)


class RoleForm(ServiceForm):
    error_fields = {"invalid_role": "role"}

    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)


class AcceptInvitationForm(ServiceForm):
    error_fields = {"invalid": "display_name", "name_taken": "display_name",
                    "weak_password": "password"}

    display_name = forms.CharField(
        label=_("Nom affiché"), max_length=120,
        help_text=_("Le nom que les autres membres verront."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password = forms.CharField(
        label=_("Mot de passe"), strip=False,
        help_text=_("Au moins 8 caractères, pas uniquement des chiffres."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_confirmation = forms.CharField(
        label=_("Confirmation du mot de passe"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        password, confirmation = data.get("password"), data.get("password_confirmation")
        if password and confirmation and password != confirmation:
            self.add_error("password_confirmation",
                           _("Les deux mots de passe ne sont pas identiques."))
        return data
