"""Reads: what a member may see. Non-members get the answer an unknown id gets."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from communities.errors import NotFound
from communities.models import Membership, Space, User
from docs_store.models import Document, Folder


def _can_read(user: User, space_id: int) -> bool:
    return bool(user.is_active and (
        user.is_staff or Membership.objects.filter(user=user, space_id=space_id).exists()))


def visible_document(*, user: User, document_id: int) -> Document:
    document = (Document.objects.select_related("space", "uploader", "current_version__uploaded_by")
                .filter(pk=document_id).first())
    if document is None or not _can_read(user, document.space_id):
        raise NotFound("not_found", _("Ce document n'existe pas ou ne vous est pas accessible."))
    return document


def visible_folder(*, user: User, space: Space, folder_id: int | None) -> Folder | None:
    if folder_id is None:
        return None
    folder = Folder.objects.select_related("space").filter(pk=folder_id, space=space).first()
    if folder is None or not _can_read(user, space.pk):
        raise NotFound("not_found", _("Ce dossier n'existe pas ou ne vous est pas accessible."))
    return folder


def folder_by_id(*, user: User, folder_id: int) -> Folder:
    folder = Folder.objects.select_related("space").filter(pk=folder_id).first()
    if folder is None or not _can_read(user, folder.space_id):
        raise NotFound("not_found", _("Ce dossier n'existe pas ou ne vous est pas accessible."))
    return folder


def folder_contents(*, space: Space, folder: Folder | None,
                    trash: bool = False) -> tuple[list[Folder], list[Document]]:
    documents: QuerySet[Document] = (
        Document.objects.filter(space=space, deleted_at__isnull=not trash)
        .select_related("space", "uploader", "current_version__uploaded_by")
        # The extracted text can be long and no list shows it.
        .defer("content_text").order_by("title"))
    if trash:
        return [], list(documents)
    folders = Folder.objects.filter(space=space, parent=folder).select_related("space")
    return list(folders.order_by("name")), list(documents.filter(folder=folder))
