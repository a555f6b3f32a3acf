"""Reads: what a member may see. Non-members get the answer an unknown id gets, and so does a
member asking for a document in the trash that they may not restore: to them it is gone (its
page, every version's download, the API), as search and attachment cards already say. Those
who may restore it (docs_store.access.may_restore) still reach it, page and downloads, to
decide whether to."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from communities.access import may_manage, membership_of
from communities.errors import NotFound
from communities.models import Space, User
from docs_store.access import is_space_admin, may_read, may_restore, may_upload
from docs_store.models import Document, Folder


def visible_document(*, user: User, document_id: int) -> Document:
    document = (Document.objects.select_related("space", "uploader", "current_version__uploaded_by")
                .filter(pk=document_id).first())
    if document is None or not may_read(user=user, space_id=document.space_id) or (
            document.deleted_at is not None and not may_restore(user=user, document=document)):
        raise NotFound("not_found", _("Ce document n'existe pas ou ne vous est pas accessible."))
    return document


def visible_folder(*, user: User, space: Space, folder_id: int | None) -> Folder | None:
    if folder_id is None:
        return None
    folder = Folder.objects.select_related("space").filter(pk=folder_id, space=space).first()
    if folder is None or not may_read(user=user, space_id=space.pk):
        raise NotFound("not_found", _("Ce dossier n'existe pas ou ne vous est pas accessible."))
    return folder


def folder_by_id(*, user: User, folder_id: int) -> Folder:
    folder = Folder.objects.select_related("space").filter(pk=folder_id).first()
    if folder is None or not may_read(user=user, space_id=folder.space_id):
        raise NotFound("not_found", _("Ce dossier n'existe pas ou ne vous est pas accessible."))
    return folder


def _listed(space: Space) -> QuerySet[Document]:
    return (Document.objects.filter(space=space)
            .select_related("space", "uploader", "current_version__uploaded_by")
            # The extracted text can be long and no list shows it.
            .defer("content_text").order_by("title"))


def folder_contents(*, space: Space, folder: Folder | None) -> tuple[list[Folder], list[Document]]:
    folders = Folder.objects.filter(space=space, parent=folder).select_related("space")
    documents = _listed(space).filter(folder=folder, deleted_at__isnull=True)
    return list(folders.order_by("name")), list(documents)


def trash_contents(*, user: User, space: Space) -> list[Document]:
    """The trashed documents ``user`` may restore: all of them for the animation and the
    space's admins, their own for members allowed to upload, none for the others (the same
    rule as may_restore, as one query)."""
    trashed = _listed(space).filter(deleted_at__isnull=False)
    if is_space_admin(user=user, space=space) or may_manage(
            membership_of(user=user, space=space), user):
        return list(trashed)
    if may_upload(user=user, space=space):
        return list(trashed.filter(uploader=user))
    return []
