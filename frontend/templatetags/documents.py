"""Template helpers of the document pages: sizes the French way and type names people know."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import json_script
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communities.models import Message
from docs_store import antivirus
from docs_store.attachments import cards_of

register = template.Library()

# Binary multiples, named as French-speaking users read them on their own computers.
_UNITS_FR = ("octets", "ko", "Mo", "Go", "To")
_UNITS_EN = ("bytes", "KB", "MB", "GB", "TB")


@register.filter
def filesize(size: object) -> str:
    """1536 → "1,5 ko", 1572864 → "1,5 Mo" (non-breaking space; "1.5 MB" in English).

    Nothing for anything but a number: a document without a current version (its file gone)
    hands the template's empty string for ``d.current_version.size``, and a list must still
    render."""
    if isinstance(size, bool) or not isinstance(size, int | float):
        return ""
    english = (translation.get_language() or "fr").startswith("en")
    units = _UNITS_EN if english else _UNITS_FR
    value = float(size)
    unit = 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    text = str(int(value)) if unit == 0 else f"{value:.1f}".rstrip("0").rstrip(".")
    if not english:
        text = text.replace(".", ",")
    return f"{text}\xa0{units[unit]}"


TYPE_NAMES = {
    "application/pdf": _("PDF"),
    "application/msword": _("Word"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _("Word"),
    "application/vnd.ms-excel": _("Excel"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _("Excel"),
    "application/vnd.ms-powerpoint": _("PowerPoint"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation":
        _("PowerPoint"),
    "application/vnd.oasis.opendocument.text": _("Texte OpenDocument"),
    "application/vnd.oasis.opendocument.spreadsheet": _("Classeur OpenDocument"),
    "application/vnd.oasis.opendocument.presentation": _("Présentation OpenDocument"),
    "application/vnd.oasis.opendocument.graphics": _("Dessin OpenDocument"),
    "image/png": _("Image PNG"),
    "image/jpeg": _("Image JPEG"),
    "image/gif": _("Image GIF"),
    "image/webp": _("Image WebP"),
    "text/plain": _("Texte"),
    "text/csv": _("CSV"),
    "application/zip": _("Archive ZIP"),
}


@register.filter
def type_name(content_type: str) -> str:
    return str(TYPE_NAMES.get(content_type, content_type))


def _upload_strings() -> dict[str, str]:
    return {
        "progress": gettext("Envoi : {percent} %"),
        "done": gettext("Fichier envoyé, vérification…"),
        "failed": gettext("L'envoi a échoué (connexion interrompue ?). Réessayez."),
        "chosen": gettext("Fichier choisi : {name}"),
        "drop_hint": gettext("Vous pouvez aussi glisser un fichier et le déposer ici."),
        "storage_failed": gettext("L'espace de stockage n'a pas reçu le fichier : réessayez. "
                                  "Rien n'a été déposé."),
    }


@register.simple_tag
def upload_strings() -> str:
    """The sentences upload.js shows, as a JSON block (no inline script under the CSP)."""
    return json_script(_upload_strings(), "upload-strings")


@register.simple_tag
def document_types() -> str:
    """Type names for the rows live.js adds to the folder browser."""
    return json_script({key: str(value) for key, value in TYPE_NAMES.items()}, "document-types")


@register.filter
def attachment_cards(message: Message) -> list[dict[str, Any]]:
    """The document cards of a message (prefetched with the page's messages)."""
    if message.deleted_at is not None:
        return []
    return cards_of(message, message.thread.space.slug)


@register.simple_tag
def direct_uploads_offered() -> bool:
    """Whether upload.js should send files straight to S3 (docs_store.direct_uploads): only
    when documents live in a bucket; otherwise the forms post through the app."""
    return bool(settings.S3_BUCKET)


@register.simple_tag
def uploads_scanned() -> bool:
    """Whether uploads go through the antivirus (docs_store.antivirus), to say so on forms."""
    return antivirus.configured()
