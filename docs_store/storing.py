"""Writing one upload to the default storage in chunks, hashing and counting as it goes, and
taking it away again when anything after that fails."""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from communities.errors import ServiceError

logger = logging.getLogger(__name__)
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Stored:
    key: str
    size: int
    sha256: str


def too_large(limit: int) -> ServiceError:
    return ServiceError("too_large", _(
        "Ce fichier dépasse la taille maximale permise dans cet espace (%(max)s Mo).")
        % {"max": round(limit / (1024 * 1024), 1)}, status=413)


class _HashingReader:
    """Read-only, not seekable, so storages stream it instead of moving a temporary file or
    rewinding it behind our back."""

    def __init__(self, source: IO[bytes], limit: int, refusal: ServiceError) -> None:
        self.source = source
        self.limit = limit
        self.refusal = refusal
        self.size = 0
        self.digest = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        chunk = self.source.read(CHUNK_BYTES if n is None or n < 0 else n)
        self.size += len(chunk)
        if self.size > self.limit:
            raise self.refusal
        self.digest.update(chunk)
        return chunk

    closed = False

    def seekable(self) -> bool:
        return False

    def close(self) -> None:
        pass  # the caller owns the source


def new_key(space_id: int) -> str:
    return f"documents/{space_id}/{uuid.uuid4().hex}"


def store(*, source: IO[bytes], space_id: int, content_type: str, limit: int,
          refusal: ServiceError) -> Stored:
    """Copy ``source`` from its start to a new storage key. On any failure nothing is left."""
    source.seek(0)
    reader = _HashingReader(source, limit, refusal)
    wrapped = File(reader)  # type: ignore[arg-type]
    wrapped.content_type = content_type  # type: ignore[attr-defined]  # S3 object ContentType
    key = new_key(space_id)
    try:
        saved = default_storage.save(key, wrapped, max_length=200)
    except BaseException:
        discard(key)
        raise
    return Stored(key=saved, size=reader.size, sha256=reader.digest.hexdigest())


def discard(key: str) -> None:
    try:
        default_storage.delete(key)
    except Exception:
        # The caller is already failing; an orphan is logged for the operator, not raised.
        logger.exception("could not delete storage object %s", key)
