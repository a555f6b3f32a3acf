"""Text of an uploaded version, for search: PDF (pypdf), plain text and CSV.

Runs in a background task (docs_store/tasks.py), never in the upload request. Bounded so a huge
or hostile file cannot hold a worker: at most DOCS_TEXT_MAX_PAGES pages, DOCS_TEXT_MAX_CHARS
characters and DOCS_TEXT_MAX_SECONDS seconds (checked between pages). A failure is logged and
recorded on the version; the document stays searchable by its title and description.
"""

from __future__ import annotations

import codecs
import logging
import re
import time
import unicodedata
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.storage import default_storage

from docs_store.models import Document, DocumentVersion, TextStatus

logger = logging.getLogger(__name__)

PDF = "application/pdf"
TEXT_TYPES = frozenset({"text/plain", "text/csv"})
READ_BYTES = 64 * 1024
# NUL cannot be stored in a PostgreSQL text column; other control characters carry no words.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")
_BLANKS = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


@dataclass(frozen=True)
class Extracted:
    text: str
    status: TextStatus


def extractable(content_type: str) -> bool:
    return content_type == PDF or content_type in TEXT_TYPES


def clean(text: str) -> str:
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", text))
    text = _BLANK_LINES.sub("\n\n", _BLANKS.sub(" ", text))
    return text.strip()


def _limits() -> tuple[int, int, float]:
    return (int(settings.DOCS_TEXT_MAX_PAGES), int(settings.DOCS_TEXT_MAX_CHARS),
            float(settings.DOCS_TEXT_MAX_SECONDS))


def text_of_plain(file: IO[bytes], *, max_chars: int) -> Extracted:
    """UTF-8 when it decodes as such, else Windows-1252 (what a French spreadsheet saves);
    only the first ``max_chars`` characters are read."""
    head = file.read(READ_BYTES)
    try:
        head.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the first read is still UTF-8.
        encoding = "utf-8" if error.start >= len(head) - 3 else "cp1252"
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    parts: list[str] = []
    count = 0
    chunk = head
    while chunk:
        part = decoder.decode(chunk)
        parts.append(part)
        count += len(part)
        if count >= max_chars:
            return Extracted(clean("".join(parts)[:max_chars]), TextStatus.TRUNCATED)
        chunk = file.read(READ_BYTES)
    parts.append(decoder.decode(b"", final=True))
    return Extracted(clean("".join(parts)), TextStatus.EXTRACTED)


def text_of_pdf(file: IO[bytes], *, max_pages: int, max_chars: int,
                max_seconds: float) -> Extracted:
    from pypdf import PdfReader

    started = time.monotonic()
    reader = PdfReader(file)
    if reader.is_encrypted:
        # Opening with the empty password covers "no copy" PDFs; a real password means no text.
        reader.decrypt("")
    parts: list[str] = []
    count = 0
    total = len(reader.pages)
    for index in range(min(total, max_pages)):
        if time.monotonic() - started > max_seconds:
            return Extracted(clean("\n\n".join(parts)), TextStatus.TRUNCATED)
        text = reader.pages[index].extract_text() or ""
        parts.append(text)
        count += len(text)
        if count >= max_chars:
            return Extracted(clean("\n\n".join(parts))[:max_chars], TextStatus.TRUNCATED)
    status = TextStatus.TRUNCATED if total > max_pages else TextStatus.EXTRACTED
    return Extracted(clean("\n\n".join(parts)), status)


def extract(version: DocumentVersion) -> Extracted:
    """Read the stored object of ``version`` and return its text; raises on a broken file."""
    if not extractable(version.content_type):
        return Extracted("", TextStatus.NONE)
    max_pages, max_chars, max_seconds = _limits()
    with default_storage.open(version.storage_key, "rb") as file:
        if version.content_type == PDF:
            return text_of_pdf(file, max_pages=max_pages, max_chars=max_chars,
                               max_seconds=max_seconds)
        return text_of_plain(file, max_chars=max_chars)


def extract_version_text(*, version_id: int) -> str:
    """The task's body: extract, record the outcome on the version and, if the version is
    still the document's current one, make its text searchable. Running it twice is harmless
    (same text, same outcome), so it claims nothing; a newer version's text is never
    overwritten, because the document is updated only where ``current_version`` is this one.
    Returns the status, for the task's result."""
    version = DocumentVersion.objects.filter(pk=version_id).first()
    if version is None:  # purged before the worker got to it
        return "gone"
    try:
        extracted = extract(version)
    except Exception:
        # A broken or hostile file: logged for the operator; title and description still find
        # the document.
        logger.warning("text extraction failed for document %s version %s",
                       version.document_id, version.number, exc_info=True)
        extracted = Extracted("", TextStatus.FAILED)
    DocumentVersion.objects.filter(pk=version.pk).update(text_status=extracted.status)
    Document.objects.filter(pk=version.document_id, current_version=version).update(
        content_text=extracted.text, text_version=version)
    return str(extracted.status)
