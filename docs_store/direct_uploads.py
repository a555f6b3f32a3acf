"""Direct upload to S3 for large files: the browser sends the file straight to the bucket with a
presigned POST, then asks us to finish. Until the finish call has checked the object it is a
``PendingUpload`` that nobody sees.

* start: the same checks as an ordinary upload (may upload here, folder, title, size against the
  space's limit and the quota), the declared size reserved in the quota while the offer is
  unexpired, then a presigned POST for a key we generate, valid DOCS_DIRECT_UPLOAD_SECONDS, whose
  ``content-length-range`` stops S3 itself from accepting more than the declared size;
* finish: the object's size (HEAD), its type sniffed from its bytes through ranged GETs (the first
  64 KB, and a ZIP's directory at its end) against the allowlist, then one streamed read for the
  SHA-256 and the antivirus; only then the document or version is recorded, as for an ordinary
  upload. A refused finish deletes the object and the pending upload;
* abandon: the uploader gives up; the object, the pending upload and its reservation go;
* pending uploads never finished (and their objects) are deleted by
  ``manage.py purge_document_trash``; their reservation already ended when the offer expired.

On the file system backend there is no bucket: start answers that direct upload is not offered.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, Any
from urllib.parse import urlsplit

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import Conflict, NotFound, ServiceError
from communities.models import Space, User
from docs_store import antivirus, services
from docs_store.models import Document, DocumentVersion, Folder, PendingUpload
from docs_store.names import clean_display_name
from docs_store.sniffing import sniff
from docs_store.storing import CHUNK_BYTES, discard, new_key

logger = logging.getLogger(__name__)


def available() -> bool:
    return bool(getattr(default_storage, "bucket_name", None))


def _unavailable() -> ServiceError:
    return ServiceError("direct_upload_unavailable", _(
        "Le dépôt direct n'est pas offert sur ce serveur (les fichiers sont gardés sur son "
        "disque) : déposez le fichier par le formulaire habituel."), status=501)


def _client() -> Any:
    return default_storage.connection.meta.client  # type: ignore[attr-defined]


def post_origin() -> str:
    """Where browsers send files (scheme://host[:port] of a presigned POST), which pages must
    allow in their CSP connect-src; signing is local, no request leaves."""
    url = _client().generate_presigned_post(
        Bucket=default_storage.bucket_name, Key="origin")["url"]  # type: ignore[attr-defined]
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Offer:
    pending: PendingUpload
    #: Where the browser POSTs the file, and the form fields to send before it.
    url: str
    fields: dict[str, str]


def start_direct_upload(*, actor: User, space: Space, file_name: str, size: int,
                        title: str = "", description: str = "", folder: Folder | None = None,
                        document: Document | None = None) -> Offer:
    """Offer a presigned POST for a new document (or, with ``document``, a new version of it).
    ``size`` is what the browser says the file weighs: refused at once when over the limit."""
    if not available():
        raise _unavailable()
    if document is not None:
        services.check_new_version(actor=actor, document=document)
        space = document.space
        checked = document
    else:
        checked = services.new_document(actor=actor, space=space, file_name=file_name,
                                        title=title, description=description, folder=folder)
    if size < 1:
        raise ServiceError("empty_file", _("Ce fichier est vide."))
    services.size_limit(space=space, declared=size)
    seconds = int(settings.DOCS_DIRECT_UPLOAD_SECONDS)
    key = new_key(space.pk)
    # The declared size is reserved in the quota until the offer expires, is finished or is
    # abandoned, and the POST admits no more than it: pending plus stored never pass the
    # quota, however many offers are made at once (reserve_room locks the space's row).
    with transaction.atomic():
        services.reserve_room(space=space, size=size)
        pending = PendingUpload.objects.create(
            space=space, uploader=actor, document=document, folder=folder if document is None
            else None, title=checked.title if document is None else "",
            description=checked.description if document is None else "",
            file_name=clean_display_name(file_name), storage_key=key, max_bytes=size,
            expires_at=timezone.now() + timedelta(seconds=seconds))
    post = _client().generate_presigned_post(
        Bucket=default_storage.bucket_name,  # type: ignore[attr-defined]
        Key=_object_key(key),
        Conditions=[["content-length-range", 1, size]],
        ExpiresIn=seconds,
    )
    return Offer(pending=pending, url=post["url"], fields=dict(post["fields"]))


def _object_key(key: str) -> str:
    """The bucket key django-storages uses for a storage name (its location prefix)."""
    return str(default_storage._normalize_name(key))  # type: ignore[attr-defined]


def _pending_of(*, actor: User, pending_id: int) -> PendingUpload:
    pending = (PendingUpload.objects.select_related("space", "document__space", "folder")
               .filter(pk=pending_id, uploader=actor).first())
    if pending is None:
        raise NotFound("not_found", _("Ce dépôt n'existe pas ou a déjà été terminé."))
    return pending


class RangedObject(io.RawIOBase):
    """A stored S3 object read through ranged GETs, seekable: sniffing reads the start and, for
    a ZIP, the directory at the end, without fetching the rest."""

    def __init__(self, key: str, size: int) -> None:
        self.key = key
        self.size = size
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(base + offset, 0)
        return self.position

    def readinto(self, buffer: Any) -> int:
        if self.position >= self.size or not len(buffer):
            return 0
        last = min(self.position + len(buffer), self.size) - 1
        answer = _client().get_object(Bucket=default_storage.bucket_name,  # type: ignore[attr-defined]
                                      Key=self.key, Range=f"bytes={self.position}-{last}")
        data = answer["Body"].read()
        buffer[:len(data)] = data
        self.position += len(data)
        return len(data)


class _Hashing(io.RawIOBase):
    """The object's body as one stream, hashed and counted as the antivirus (or we) read it."""

    def __init__(self, body: IO[bytes]) -> None:
        self.body = body
        self.digest = hashlib.sha256()
        self.count = 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        chunk = self.body.read(CHUNK_BYTES if n is None or n < 0 else n)
        self.digest.update(chunk)
        self.count += len(chunk)
        return bytes(chunk)


def _check_object(pending: PendingUpload) -> DocumentVersion:
    """Size, type, checksum and antivirus of the uploaded object; an unsaved version."""
    key = _object_key(pending.storage_key)
    bucket = default_storage.bucket_name  # type: ignore[attr-defined]
    try:
        head = _client().head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
            raise Conflict("upload_missing", _(
                "Le fichier n'est pas encore arrivé dans l'espace de stockage : terminez "
                "l'envoi, puis réessayez.")) from error
        raise
    size = int(head["ContentLength"])
    if size > pending.max_bytes:
        raise ServiceError("too_large", _(
            "Le fichier envoyé est plus gros que la taille annoncée au départ : déposez-le de "
            "nouveau."), status=413)
    # Its own reservation is not held against it; the space's rules may have changed since.
    limit, refusal = services.size_limit(space=pending.space, declared=None,
                                         excluding_pending=pending.pk)
    if size > limit:
        raise refusal
    reader = io.BufferedReader(RangedObject(key, size), buffer_size=64 * 1024)
    content_type = sniff(file=reader, name=pending.file_name)
    stream = _Hashing(_client().get_object(Bucket=bucket, Key=key)["Body"])
    antivirus.scan(stream)  # type: ignore[arg-type]
    while stream.read(CHUNK_BYTES):  # no antivirus, or it stopped early: hash the rest
        pass
    if stream.count != size:
        raise ServiceError("upload_changed", _(
            "Le fichier a changé pendant la vérification : déposez-le de nouveau."))
    return DocumentVersion(storage_key=pending.storage_key, original_name=pending.file_name,
                           size=size, content_type=content_type,
                           sha256=stream.digest.hexdigest(), uploaded_by=pending.uploader,
                           created_at=timezone.now())


def _claim(pending: PendingUpload) -> None:
    """Whoever deletes the pending row owns the outcome: a second finish call at the same
    moment gets a conflict and touches neither the object nor the document."""
    deleted, _rows = PendingUpload.objects.filter(pk=pending.pk).delete()
    if not deleted:
        raise Conflict("already_finished", _("Ce dépôt a déjà été terminé."))


#: Refusals that say "not now" rather than "not this file": the pending upload and its object
#: stay, and finishing can be asked again.
RETRYABLE = frozenset({"upload_missing", "antivirus_unavailable"})


def finish_direct_upload(*, actor: User, pending_id: int) -> Document:
    """Check the uploaded object and make it a visible document (or version). A refusal
    deletes the object and the pending upload and says why, in French."""
    pending = _pending_of(actor=actor, pending_id=pending_id)
    target = pending.document
    try:
        if target is not None:
            services.check_new_version(actor=actor, document=target)
        version = _check_object(pending)
    except ServiceError as refusal:
        if refusal.code not in RETRYABLE:
            _refuse(pending)
        raise
    except (BotoCoreError, ClientError) as error:
        # An outage, not a verdict on the file: the offer stands, the call can be repeated.
        logger.exception("storage failed while finishing direct upload %s", pending.pk)
        raise ServiceError("storage_unavailable", _(
            "L'espace de stockage ne répond pas : réessayez dans quelques minutes. Rien n'a "
            "été perdu."), status=503) from error
    try:
        return _record(actor=actor, pending=pending, target=target, version=version)
    except ServiceError as refusal:
        if refusal.code != "already_finished":
            # Refused while recording (quota full, document trashed meanwhile): record_* has
            # taken the object away, so the offer goes too rather than point at nothing.
            PendingUpload.objects.filter(pk=pending.pk).delete()
        raise


def _record(*, actor: User, pending: PendingUpload, target: Document | None,
            version: DocumentVersion) -> Document:
    with transaction.atomic():
        _claim(pending)
        if target is None:
            document = Document(space=pending.space, folder=pending.folder, title=pending.title,
                                description=pending.description, uploader=actor)
            services.record_document(actor=actor, document=document, version=version,
                                     key=pending.storage_key)
            return document
        version.document = target
        services.record_version(actor=actor, document=target, version=version,
                                key=pending.storage_key)
        return target


def abandon_direct_upload(*, actor: User, pending_id: int) -> None:
    """The uploader gives up an offer: its reserved room comes back at once, and whatever
    reached the bucket is deleted."""
    pending = _pending_of(actor=actor, pending_id=pending_id)
    _refuse(pending)


def _refuse(pending: PendingUpload) -> None:
    try:
        with transaction.atomic():
            _claim(pending)
    except Conflict:
        return  # another call finished or refused it and owns the object
    discard(pending.storage_key)


def purge_abandoned_uploads(*, now: Any = None) -> int:
    """Pending uploads never finished, DOCS_DIRECT_UPLOAD_ABANDONED_HOURS after their offer
    expired: rows claimed one by one (a concurrent finish wins), objects deleted after."""
    cutoff = (now or timezone.now()) - timedelta(
        hours=int(settings.DOCS_DIRECT_UPLOAD_ABANDONED_HOURS))
    purged = 0
    for pending in PendingUpload.objects.filter(expires_at__lt=cutoff):
        try:
            with transaction.atomic():
                _claim(pending)
        except Conflict:
            continue
        discard(pending.storage_key)
        purged += 1
    return purged
