"""Documents joined to discussion messages: which ones a message may carry, and the card a
message shows for each. Posting reaches them through ``docs_store.attaching``, the plug this
app installs in communities."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from communities.errors import ServiceError
from communities.ids import parse_id, storable_ids
from communities.models import Message, Space
from docs_store.models import Attachment, Document

MAX_ATTACHMENTS = 10


def _attachment_id(value: object) -> int | None:
    if isinstance(value, int):  # from JSON; a huge one is unknown, as any id no row has
        return value if value > 0 else None
    return parse_id(str(value))


def _shown(value: object) -> str:
    # str() of an integer of more than 4,300 digits raises: show its start only.
    if isinstance(value, int) and value.bit_length() > 128:
        return "…"
    return str(value).strip()[:20]


def clean_attachment_ids(raw: Sequence[object], *, new_files: int = 0) -> list[int]:
    """Positive integer ids in the order given, without repeats; anything else is refused
    (a malformed id is a bad request, never silently dropped). ``new_files`` uploaded with
    the message count towards the limit too."""
    ids: list[int] = []
    for value in raw:
        number = _attachment_id(value)
        if number is None:
            raise ServiceError("invalid_attachment", _("Pièce jointe invalide : %(value)s.")
                               % {"value": _shown(value)})
        if number not in ids:
            ids.append(number)
    if len(ids) + new_files > MAX_ATTACHMENTS:
        raise ServiceError("too_many_attachments", _(
            "Un message peut porter au plus %(max)s pièces jointes.") % {"max": MAX_ATTACHMENTS})
    return ids


def attachable_documents(*, space: Space, ids: list[int]) -> list[Document]:
    """The documents, in the order asked, if every one belongs to the space and is out of the
    trash. The author is a member of the space (the service checked), so this is also exactly
    what the author may see: another space's document is refused with the same words as an
    unknown id, so a refusal leaks no name."""
    if not ids:
        return []
    found = {d.pk: d for d in Document.objects.select_related("current_version")
             .defer("content_text")  # extracted text: never needed for a card
             .filter(pk__in=storable_ids(ids), space=space, deleted_at__isnull=True)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ServiceError("attachment_unavailable", _(
            "Un document joint n'existe pas dans cet espace ou a été mis à la corbeille : "
            "retirez-le du message pour publier."))
    return [found[pk] for pk in ids]


def attach(*, message: Message, documents: list[Document]) -> None:
    """Inside the posting transaction. Remembers the cards on the message so serializing it
    costs no further query."""
    if documents:
        Attachment.objects.bulk_create(
            Attachment(message=message, document=document, position=index)
            for index, document in enumerate(documents))
    message.attached = [Attachment(message=message, document=document, position=index)  # type: ignore[attr-defined]
                        for index, document in enumerate(documents)]


def attachments_prefetch() -> Prefetch:
    """For lists of messages: one query for the attachments of all of them."""
    return Prefetch("attachments", to_attr="attached",
                    queryset=Attachment.objects.select_related("document__current_version")
                    .defer("document__content_text").order_by("position", "pk"))


def attachments_of(message: Message) -> list[Attachment]:
    attached = getattr(message, "attached", None)
    if attached is None:
        attached = list(message.attachments.select_related(  # type: ignore[attr-defined]
            "document__current_version").defer("document__content_text")
            .order_by("position", "pk"))
        message.attached = attached  # type: ignore[attr-defined]
    return list(attached)


def document_card(attachment: Attachment, space_slug: str) -> dict[str, Any]:
    """What a message shows of one attached document. A document in the trash shows only
    that it is gone: no title, no link, just its id so a client can bring the card back if
    it is restored; once purged, not even the id."""
    document = attachment.document
    if document is None or document.deleted_at is not None:
        return {"id": attachment.document_id, "title": "", "content_type": "", "size": 0,
                "url": None, "download_url": None, "deleted": True}
    version = document.current_version
    return {
        "id": document.pk, "title": document.title,
        "content_type": version.content_type if version else "",
        "size": version.size if version else 0,
        "url": reverse("document", args=[space_slug, document.pk]),
        "download_url": reverse("document-download", args=[space_slug, document.pk]),
        "deleted": False,
    }


def cards_of(message: Message, space_slug: str) -> list[dict[str, Any]]:
    return [document_card(a, space_slug) for a in attachments_of(message)]
