"""Forms of the document pages. As elsewhere they only shape input; the docs_store services
decide, and their refusals come back on these forms next to the field they concern."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.errors import ServiceError
from docs_store.models import Folder, UploadsBy
from docs_store.names import MAX_NAME_CHARS
from frontend.forms import ServiceForm

#: Refusals of the upload services that concern the file itself.
FILE_ERRORS = ("too_large", "quota_exceeded", "unsupported_type", "markup_refused",
               "macros_refused", "zip_too_large", "zip_too_many_entries", "empty_file",
               "bad_zip", "virus_found", "antivirus_unavailable", "antivirus_too_large")


def folder_choices(folders: list[Folder], *, exclude: Folder | None = None,
                   ) -> list[tuple[str, str]]:
    """Every folder of a space as "Parent / Enfant", the root first; ``exclude`` and its
    sub-folders are left out (a folder cannot move into itself)."""
    by_parent: dict[int | None, list[Folder]] = {}
    for folder in folders:
        by_parent.setdefault(folder.parent_id, []).append(folder)
    choices: list[tuple[str, str]] = [("", str(_("Racine des documents")))]

    def walk(parent: int | None, prefix: str) -> None:
        for folder in sorted(by_parent.get(parent, []), key=lambda f: f.name.lower()):
            if exclude is not None and folder.pk == exclude.pk:
                continue
            path = f"{prefix}{folder.name}"
            choices.append((str(folder.pk), path))
            walk(folder.pk, f"{path} / ")

    walk(None, "")
    return choices


class DocumentForm(ServiceForm):
    """Remembers the status of the service's refusal, so a page refused for lack of rights
    answers 403 (or 413 for a file too large), not a generic 400."""

    refusal_status = 400

    def add_service_error(self, error: ServiceError) -> None:
        self.refusal_status = error.status
        super().add_service_error(error)


def offer_folders(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    """The folders a form may choose from are the space's, known only per request."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class UploadForm(DocumentForm):
    error_fields = {**dict.fromkeys(FILE_ERRORS, "file"), "invalid_title": "title",
                    "invalid_description": "description"}

    file = forms.FileField(label=_("Fichier"), required=False,
                           help_text=_("PDF, Word, Excel, PowerPoint, OpenDocument, images, "
                                       "texte, CSV ou ZIP."))
    title = forms.CharField(label=_("Titre"), required=False,
                            help_text=_("Laissez vide pour reprendre le nom du fichier."),
                            widget=forms.TextInput(attrs={"size": 50}))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    folder = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def clean_file(self) -> object:
        file = self.cleaned_data.get("file")
        if not file:
            raise forms.ValidationError(_("Choisissez un fichier à déposer."))
        return file


class VersionForm(DocumentForm):
    error_fields = dict.fromkeys(FILE_ERRORS, "file")

    file = forms.FileField(label=_("Fichier de la nouvelle version"), required=False)

    def clean_file(self) -> object:
        file = self.cleaned_data.get("file")
        if not file:
            raise forms.ValidationError(_("Choisissez un fichier à déposer."))
        return file


class DocumentEditForm(DocumentForm):
    error_fields = {"invalid_title": "title", "invalid_description": "description"}

    title = forms.CharField(label=_("Titre"), required=False,
                            widget=forms.TextInput(attrs={"size": MAX_NAME_CHARS // 4}))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    folder = forms.ChoiceField(label=_("Dossier"), required=False, choices=())


class FolderForm(DocumentForm):
    error_fields = {"invalid_title": "name", "folder_exists": "name", "folder_cycle": "parent"}

    name = forms.CharField(label=_("Nom du dossier"), required=False,
                           widget=forms.TextInput(attrs={"size": 40}))
    parent = forms.ChoiceField(label=_("Dans le dossier"), required=False, choices=())


class UploadRuleForm(DocumentForm):
    uploads_by = forms.ChoiceField(label=_("Qui peut déposer des documents ?"),
                                   choices=UploadsBy.choices, widget=forms.RadioSelect)
