"""The only writers of documents: folders, uploads, versions, rename, move, trash. Each checks
permission and input, then writes and emits in one transaction; an upload is stored before that
transaction and taken away again if anything fails."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import IO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.access import may_manage, require_member, require_writable
from communities.errors import Conflict, Forbidden, NotFound, ServiceError
from communities.events import emit
from communities.models import Space, User
from communities.serializers import person
from docs_store import antivirus
from docs_store.access import is_space_admin, may_upload, not_an_editor, settings_for
from docs_store.models import (
    Document,
    DocumentVersion,
    Folder,
    PendingUpload,
    SpaceDocumentSettings,
)
from docs_store.names import MAX_NAME_CHARS, clean_display_name, clean_text
from docs_store.serializers import document_data, folder_data, version_data
from docs_store.sniffing import sniff
from docs_store.storing import CHUNK_BYTES, discard, store, too_large
from docs_store.tasks import queue_text_extraction

MAX_DESCRIPTION_CHARS = 5000


def _clean_description(description: str | None) -> str:
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise ServiceError("invalid_description", _("La description est trop longue."))
    return description


def _require_uploader(*, actor: User, space: Space) -> None:
    require_member(user=actor, space=space)
    require_writable(space)
    if not may_upload(user=actor, space=space):
        raise Forbidden("forbidden", _("Dans cet espace, seule l'animation peut déposer des "
                                       "documents."))


def _require_editor(*, actor: User, document: Document) -> None:
    """The uploader of a document (while still allowed to upload) or a facilitator."""
    membership = require_member(user=actor, space=document.space)
    require_writable(document.space)
    if may_manage(membership, actor):
        return
    if document.uploader_id != actor.pk or not may_upload(user=actor, space=document.space):
        raise not_an_editor()


def _clean_title(title: str) -> str:
    title = clean_text(title)
    if not title or len(title) > MAX_NAME_CHARS:
        raise ServiceError("invalid_title", _("Le titre doit compter de 1 à %(max)s "
                                              "caractères.") % {"max": MAX_NAME_CHARS})
    return title


def _folder_in(space: Space, folder: Folder | None) -> Folder | None:
    if folder is not None and folder.space_id != space.pk:
        raise NotFound("not_found", _("Ce dossier n'existe pas dans cet espace."))
    return folder


# --- folders ---------------------------------------------------------------------------------
def create_folder(*, actor: User, space: Space, name: str, parent: Folder | None = None) -> Folder:
    _require_uploader(actor=actor, space=space)
    _folder_in(space, parent)
    name = _clean_title(name)
    try:
        with transaction.atomic():
            folder = Folder.objects.create(space=space, parent=parent, name=name,
                                           created_by=actor)
            emit(kind="folder.created", actor=actor, space=space,
                 data={"folder": folder_data(folder), "by": person(actor)})
    except IntegrityError as exc:
        raise Conflict("folder_exists", _("Un dossier porte déjà ce nom ici.")) from exc
    return folder


def _require_folder_editor(*, actor: User, folder: Folder) -> None:
    """The creator of a folder (while still allowed to upload) or a facilitator."""
    membership = require_member(user=actor, space=folder.space)
    if may_manage(membership, actor):
        return
    if folder.created_by_id != actor.pk or not may_upload(user=actor, space=folder.space):
        raise Forbidden("forbidden", _("Seules la personne qui a créé ce dossier et "
                                       "l'animation peuvent le modifier."))


def _folder_exists() -> Conflict:
    return Conflict("folder_exists", _("Un dossier porte déjà ce nom ici."))


def rename_folder(*, actor: User, folder: Folder, name: str) -> Folder:
    _require_folder_editor(actor=actor, folder=folder)
    name = _clean_title(name)
    if name == folder.name:
        return folder
    previous = folder.name
    try:
        with transaction.atomic():
            Folder.objects.filter(pk=folder.pk).update(name=name)
            folder.name = name
            emit(kind="folder.renamed", actor=actor, space=folder.space,
                 data={"folder": folder_data(folder), "previous_name": previous,
                       "by": person(actor)})
    except IntegrityError as exc:
        folder.name = previous
        raise _folder_exists() from exc
    return folder


def move_folder(*, actor: User, folder: Folder, parent: Folder | None) -> Folder:
    """Into another folder of the same space, or to the root; never into itself or below."""
    _require_folder_editor(actor=actor, folder=folder)
    _folder_in(folder.space, parent)
    if (parent.pk if parent else None) == folder.parent_id:
        return folder
    previous = folder.parent_id
    try:
        with transaction.atomic():
            # Every folder of the space locked: two crossed moves cannot make a cycle together.
            parents = dict(Folder.objects.select_for_update().filter(space=folder.space)
                           .values_list("pk", "parent_id"))
            step = parent.pk if parent else None
            while step is not None:
                if step == folder.pk:
                    raise ServiceError("folder_cycle", _(
                        "Un dossier ne peut pas être déplacé dans lui-même ni dans l'un de ses "
                        "sous-dossiers."))
                step = parents.get(step)
            Folder.objects.filter(pk=folder.pk).update(parent=parent)
            folder.parent = parent
            emit(kind="folder.moved", actor=actor, space=folder.space,
                 data={"folder": folder_data(folder), "from_parent": previous,
                       "by": person(actor)})
    except IntegrityError as exc:
        folder.parent_id = previous
        raise _folder_exists() from exc
    return folder


def delete_folder(*, actor: User, folder: Folder) -> None:
    """Only an empty folder: no sub-folder and no document, not even one in the trash (which
    would otherwise lose its place). Deleted for good; an empty folder holds nothing to keep."""
    _require_folder_editor(actor=actor, folder=folder)
    with transaction.atomic():
        locked = Folder.objects.select_for_update().filter(pk=folder.pk).first()
        if locked is None:
            return
        if Folder.objects.filter(parent=folder).exists():
            raise Conflict("folder_not_empty", _(
                "Ce dossier contient des sous-dossiers : videz-le avant de le supprimer."))
        if Document.objects.filter(folder=folder).exists():
            raise Conflict("folder_not_empty", _(
                "Ce dossier contient des documents (dans la corbeille peut-être) : "
                "videz-le avant de le supprimer."))
        data = folder_data(folder)
        locked.delete()
        emit(kind="folder.deleted", actor=actor, space=folder.space,
             data={"folder": data, "by": person(actor)})


# --- uploads ---------------------------------------------------------------------------------
def _quota_full() -> ServiceError:
    return ServiceError("quota_exceeded", _("L'espace de stockage de cet espace est plein : "
                                            "videz la corbeille ou demandez plus d'espace."),
                        status=413)


def _room_reserved() -> ServiceError:
    return ServiceError("quota_exceeded", _(
        "L'espace de stockage restant de cet espace est réservé par des dépôts en cours : "
        "réessayez quand ils seront terminés, ou videz la corbeille."), status=413)


def _over_quota(*, stored: int, pending: int, size: int, quota: int) -> ServiceError:
    """Say "reserved by uploads under way" only when the file would fit without them."""
    return _room_reserved() if pending and stored + size <= quota else _quota_full()


def _used(space: Space, *, excluding_pending: int | None) -> tuple[int, int]:
    """Bytes stored, and bytes reserved by direct uploads offered and not expired (the offer's
    POST can still land that many). ``excluding_pending`` is the upload being finished, whose
    own reservation must not count against it."""
    stored = (DocumentVersion.objects.filter(document__space=space)
              .aggregate(total=Sum("size"))["total"]) or 0
    offers = PendingUpload.objects.filter(space=space, expires_at__gt=timezone.now())
    if excluding_pending is not None:
        offers = offers.exclude(pk=excluding_pending)
    pending = offers.aggregate(total=Sum("max_bytes"))["total"] or 0
    return int(stored), int(pending)


def reserve_room(*, space: Space, size: int, excluding_pending: int | None = None) -> None:
    """The definitive quota check, inside the caller's transaction (the one that records the
    version, or offers a direct upload). The space's settings row is locked first, so two
    uploads or offers that both passed the early check in size_limit queue here: the second
    sees the first one's bytes, stored or reserved, and is refused."""
    SpaceDocumentSettings.objects.get_or_create(space=space)
    rules = SpaceDocumentSettings.objects.select_for_update().get(space=space)
    stored, pending = _used(space, excluding_pending=excluding_pending)
    if stored + pending + size > rules.quota_bytes:
        raise _over_quota(stored=stored, pending=pending, size=size, quota=rules.quota_bytes)


def size_limit(*, space: Space, declared: int | None,
               excluding_pending: int | None = None) -> tuple[int, ServiceError]:
    """How many bytes this upload may have, and the refusal to give past that; refuses at once
    when the size is known in advance. Room reserved by pending direct uploads is not room."""
    rules = settings_for(space)
    stored, pending = _used(space, excluding_pending=excluding_pending)
    room = max(int(rules.quota_bytes) - stored - pending, 0)
    full = _over_quota(stored=stored, pending=pending, size=declared or 0,
                       quota=int(rules.quota_bytes))
    limit, refusal = ((int(rules.max_upload_bytes), too_large(rules.max_upload_bytes))
                      if rules.max_upload_bytes <= room else (room, full))
    if declared is not None and declared > limit:
        raise refusal
    return limit, refusal


def _seekable(file: IO[bytes], limit: int,
              refusal: ServiceError) -> tuple[IO[bytes], bool]:
    """Sniffing a ZIP reads its end: a stream that cannot seek is first spooled to disk."""
    try:
        if file.seekable():
            return file, False
    except (AttributeError, ValueError):
        pass
    spool = tempfile.TemporaryFile()  # noqa: SIM115  # closed by the caller
    copied = 0
    while chunk := file.read(CHUNK_BYTES):
        copied += len(chunk)
        if copied > limit:
            spool.close()
            raise refusal
        spool.write(chunk)
    spool.seek(0)
    return spool, True


def _declared_size(file: IO[bytes]) -> int | None:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    try:
        if file.seekable():
            end = file.seek(0, os.SEEK_END)
            file.seek(0)
            return end
    except (AttributeError, OSError, ValueError):
        pass
    return None


def _new_version(*, actor: User, document: Document, file: IO[bytes],
                 file_name: str) -> tuple[DocumentVersion, str]:
    """Sniff, check sizes, scan (when an antivirus is configured) and store; returns an
    unsaved version and its storage key. A refusal at any step stores nothing."""
    space = document.space
    limit, refusal = size_limit(space=space, declared=_declared_size(file))
    name = clean_display_name(file_name)
    source, spooled = _seekable(file, limit, refusal)
    try:
        content_type = sniff(file=source, name=name)
        source.seek(0)
        antivirus.scan(source)
        stored = store(source=source, space_id=space.pk, content_type=content_type, limit=limit,
                       refusal=refusal)
    finally:
        if spooled:
            source.close()
    version = DocumentVersion(
        document=document, storage_key=stored.key, original_name=name, size=stored.size,
        content_type=content_type, sha256=stored.sha256, uploaded_by=actor,
        created_at=timezone.now(),
    )
    return version, stored.key


def new_document(*, actor: User, space: Space, file_name: str, title: str = "",
                 description: str = "", folder: Folder | None = None) -> Document:
    """The checks before any byte is stored: may upload here, folder of this space, title and
    description. Returns the document, not saved."""
    _require_uploader(actor=actor, space=space)
    _folder_in(space, folder)
    description = _clean_description(description)
    title = _clean_title(title or os.path.splitext(clean_display_name(file_name))[0])
    return Document(space=space, folder=folder, title=title, description=description,
                    uploader=actor)


def check_new_version(*, actor: User, document: Document) -> None:
    _require_editor(actor=actor, document=document)
    if document.deleted_at is not None:
        raise ServiceError("deleted", _("Ce document est dans la corbeille."))


def upload_document(*, actor: User, space: Space, file: IO[bytes], file_name: str,
                    title: str = "", description: str = "",
                    folder: Folder | None = None) -> Document:
    """A new document with its first version. The file object is read in chunks, never whole."""
    document = new_document(actor=actor, space=space, file_name=file_name, title=title,
                            description=description, folder=folder)
    version, key = _new_version(actor=actor, document=document, file=file, file_name=file_name)
    record_document(actor=actor, document=document, version=version, key=key)
    return document


def record_document(*, actor: User, document: Document, version: DocumentVersion,
                    key: str) -> None:
    """Save a checked, stored upload as a new document: quota, rows, text extraction queued,
    event, in one transaction. On any failure the stored object ``key`` is taken away."""
    space = document.space
    try:
        with transaction.atomic():
            reserve_room(space=space, size=version.size)
            document.save()
            version.document = document
            version.number = 1
            version.save()
            queue_text_extraction(version)
            document.current_version = version
            document.save(update_fields=["current_version"])
            emit(kind="document.created", actor=actor, space=space,
                 data={"document": document_data(document)})
    except BaseException:
        discard(key)
        raise


def add_version(*, actor: User, document: Document, file: IO[bytes],
                file_name: str) -> DocumentVersion:
    check_new_version(actor=actor, document=document)
    version, key = _new_version(actor=actor, document=document, file=file, file_name=file_name)
    record_version(actor=actor, document=document, version=version, key=key)
    return version


def record_version(*, actor: User, document: Document, version: DocumentVersion,
                   key: str) -> None:
    """Save a checked, stored upload as the new current version of ``document``, like
    record_document."""
    try:
        with transaction.atomic():
            reserve_room(space=document.space, size=version.size)
            # Locked so two new versions of one document get distinct numbers.
            current = Document.objects.select_for_update().get(pk=document.pk)
            if current.deleted_at is not None:
                raise ServiceError("deleted", _("Ce document est dans la corbeille."))
            last = current.versions.order_by("-number").values_list("number", flat=True).first()
            version.number = (last or 0) + 1
            version.save()
            queue_text_extraction(version)
            document.current_version = version
            document.save(update_fields=["current_version"])
            emit(kind="document.version_added", actor=actor, space=document.space,
                 data={"document": document_data(document), "version": version_data(version)})
    except BaseException:
        discard(key)
        raise


# --- changes ---------------------------------------------------------------------------------
def _change(*, actor: User, document: Document, kind: str, extra: dict[str, object],
            **fields: object) -> Document:
    with transaction.atomic():
        for name, value in fields.items():
            setattr(document, name, value)
        Document.objects.filter(pk=document.pk).update(**fields)
        emit(kind=kind, actor=actor, space=document.space,
             data={"document": document_data(document), "by": person(actor), **extra})
    return document


def rename_document(*, actor: User, document: Document, title: str) -> Document:
    _require_editor(actor=actor, document=document)
    title = _clean_title(title)
    if title == document.title:
        return document
    return _change(actor=actor, document=document, kind="document.renamed",
                   extra={"previous_title": document.title}, title=title)


def describe_document(*, actor: User, document: Document, description: str) -> Document:
    """Change the description (the search index follows: it is a generated column)."""
    _require_editor(actor=actor, document=document)
    description = _clean_description(description)
    if description == document.description:
        return document
    return _change(actor=actor, document=document, kind="document.described", extra={},
                   description=description)


def move_document(*, actor: User, document: Document, folder: Folder | None) -> Document:
    _require_editor(actor=actor, document=document)
    _folder_in(document.space, folder)
    if (folder.pk if folder else None) == document.folder_id:
        return document
    return _change(actor=actor, document=document, kind="document.moved",
                   extra={"from_folder": document.folder_id}, folder=folder)


def delete_document(*, actor: User, document: Document) -> Document:
    """To the trash: hidden from lists, restorable for DOCS_TRASH_DAYS."""
    _require_editor(actor=actor, document=document)
    if document.deleted_at is not None:
        return document
    return _change(actor=actor, document=document, kind="document.deleted", extra={},
                   deleted_at=timezone.now())


def _trash_cutoff() -> datetime:
    return timezone.now() - timedelta(days=settings.DOCS_TRASH_DAYS)


def restore_document(*, actor: User, document: Document) -> Document:
    """From the trash, within DOCS_TRASH_DAYS: by its editors or a space admin."""
    if not is_space_admin(user=actor, space=document.space):
        _require_editor(actor=actor, document=document)
    if document.deleted_at is None:
        return document
    if document.deleted_at < _trash_cutoff():
        raise ServiceError("trash_expired", _(
            "Ce document est dans la corbeille depuis plus de %(days)s jours : il ne peut plus "
            "être restauré.") % {"days": settings.DOCS_TRASH_DAYS})
    return _change(actor=actor, document=document, kind="document.restored", extra={},
                   deleted_at=None)


def restore_version(*, actor: User, document: Document, number: int) -> Document:
    """Make an old version current again. Nothing is copied and no version is added: the
    document points at the old version, and the history keeps every version as it was."""
    _require_editor(actor=actor, document=document)
    if document.deleted_at is not None:
        raise ServiceError("deleted", _("Ce document est dans la corbeille."))
    version = document.versions.filter(number=number).first()
    if version is None:
        raise NotFound("not_found", _("Cette version n'existe pas."))
    with transaction.atomic():
        locked = Document.objects.select_for_update().get(pk=document.pk)
        if locked.current_version_id == version.pk:
            document.current_version = version
            return document
        previous = locked.current_version
        # The text searched is the current version's: the newer text goes, the restored
        # version's is extracted again in the background.
        Document.objects.filter(pk=document.pk).update(current_version=version,
                                                       content_text="", text_version=None)
        document.current_version = version
        document.content_text, document.text_version = "", None
        queue_text_extraction(version)
        emit(kind="document.version_restored", actor=actor, space=document.space,
             data={"document": document_data(document), "version": version_data(version),
                   "previous_version": previous.number if previous else None,
                   "by": person(actor)})
    return document


# --- purging the trash -----------------------------------------------------------------------
def _purge_one(*, document_id: int, actor: User | None, before: datetime | None) -> bool:
    """Delete one trashed document, its versions and, after commit, their stored objects.

    The row is claimed with SELECT ... FOR UPDATE SKIP LOCKED and the trash condition checked
    again on the locked row, so two overlapping runs never both delete it (the second skips
    it, or finds it gone or restored). Objects are deleted only once the row deletion has
    committed: a crash in between leaves an orphan object (logged), never a document whose
    file is missing. Deleting an object already gone is a no-op on both backends."""
    with transaction.atomic():
        claimed = Document.objects.select_for_update(skip_locked=True).filter(
            pk=document_id, deleted_at__isnull=False)
        if before is not None:
            claimed = claimed.filter(deleted_at__lt=before)
        document = claimed.select_related("space").first()
        if document is None:
            return False
        keys = list(document.versions.values_list("storage_key", flat=True))
        data = document_data(document)
        space = document.space
        document.delete()
        emit(kind="document.purged", actor=actor, space=space,
             data={"document": data, "by": person(actor) if actor else None})
        transaction.on_commit(lambda: _discard_all(keys))
    return True


def _discard_all(keys: list[str]) -> None:
    for key in keys:
        discard(key)


def _purge(ids: Iterable[int], *, actor: User | None, before: datetime | None) -> int:
    return sum(_purge_one(document_id=pk, actor=actor, before=before) for pk in ids)


def empty_trash(*, actor: User, space: Space) -> int:
    """Delete for good every document in the space's trash; space admins only."""
    require_member(user=actor, space=space)
    if not is_space_admin(user=actor, space=space):
        raise Forbidden("forbidden", _("Seule l'administration de l'espace peut vider la "
                                       "corbeille."))
    ids = list(Document.objects.filter(space=space, deleted_at__isnull=False)
               .values_list("pk", flat=True))
    return _purge(ids, actor=actor, before=None)


def purge_expired_trash(*, now: datetime | None = None) -> int:
    """Documents in the trash for more than DOCS_TRASH_DAYS, in every space."""
    before = (now or timezone.now()) - timedelta(days=settings.DOCS_TRASH_DAYS)
    ids = list(Document.objects.filter(deleted_at__lt=before).values_list("pk", flat=True))
    return _purge(ids, actor=None, before=before)
