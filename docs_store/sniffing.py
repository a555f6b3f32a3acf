"""What a file is, decided by its bytes (puremagic plus a look inside ZIP containers), never by
the client's header. Anything outside the allowlist is refused; markup never gets in, because a
browser could run it."""

from __future__ import annotations

import os
import zipfile
from typing import IO

import puremagic
from django.conf import settings
from django.utils.translation import gettext as _

from communities.errors import ServiceError

HEAD_BYTES = 64 * 1024
#: How much of an archive entry sniffing ever inflates: an ODF ``mimetype`` is under 100 bytes.
ENTRY_HEAD_BYTES = 256
#: Entries smaller than this inflated are never refused for their ratio: a tiny file of
#: repeated bytes compresses a thousandfold and costs nothing.
RATIO_FLOOR_BYTES = 1024 * 1024

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
OLE_BY_EXTENSION = {
    ".doc": "application/msword", ".dot": "application/msword",
    ".xls": "application/vnd.ms-excel", ".xlt": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint", ".pot": "application/vnd.ms-powerpoint",
    ".pps": "application/vnd.ms-powerpoint",
}
OOXML_MAIN_PARTS = {
    "word/document.xml":
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/presentation.xml":
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ODF_TYPES = frozenset({
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/vnd.oasis.opendocument.graphics",
})
# Refused by name too: even served as text/plain, a saved "x.html" opens in a browser.
MARKUP_EXTENSIONS = frozenset({".html", ".htm", ".xhtml", ".shtml", ".svg", ".svgz", ".xml",
                               ".xsl", ".xslt", ".js", ".mjs"})
MARKUP_MARKERS = (b"<html", b"<svg", b"<script", b"<?xml", b"<!doctype", b"<body", b"<iframe",
                  b"<head", b"<object", b"<embed", b"<meta", b"<xsl")
MARKUP_TYPES = frozenset({"text/html", "image/svg+xml", "application/xml", "text/xml",
                          "application/xhtml+xml"})
TEXT_CONTROL_OK = frozenset(b"\t\n\r\f")


def refuse(code: str, message: str) -> ServiceError:
    return ServiceError(code, message)


def _unsupported() -> ServiceError:
    return refuse("unsupported_type", _(
        "Ce type de fichier n'est pas accepté. Formats acceptés : PDF, Word, Excel, PowerPoint, "
        "OpenDocument, images PNG, JPEG, GIF ou WebP, texte, CSV et ZIP."))


def _markup() -> ServiceError:
    return refuse("markup_refused", _(
        "Les fichiers HTML, SVG et XML ne sont pas acceptés, même renommés : un navigateur "
        "pourrait exécuter leur contenu."))


def sniff(*, file: IO[bytes], name: str) -> str:
    """The content type of ``file`` (seekable, read from its start) or a ServiceError. The name
    only picks between formats the bytes cannot tell apart (legacy Office, CSV)."""
    extension = os.path.splitext(name)[1].lower()
    if extension in MARKUP_EXTENSIONS:
        raise _markup()
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    if not head:
        raise refuse("empty_file", _("Le fichier est vide."))
    # Binary signatures first: a PDF's XMP metadata or an Office part may well contain
    # "<?xml", and those files are served as what their signature says, never as markup.
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    found = _magic_types(head)
    image = found & IMAGE_TYPES
    if image:
        return _image_type(head, image)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if extension not in OLE_BY_EXTENSION:
            raise _unsupported()
        return OLE_BY_EXTENSION[extension]
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(file)
    if found & MARKUP_TYPES or _looks_like_markup(head):
        raise _markup()
    if _is_text(head):
        return "text/csv" if extension == ".csv" else "text/plain"
    raise _unsupported()


def _magic_types(head: bytes) -> set[str]:
    try:
        return {match.mime_type for match in puremagic.magic_string(head) if match.mime_type}
    except puremagic.PureError:
        return set()


def _image_type(head: bytes, candidates: set[str]) -> str:
    # puremagic matches loosely (JPEG at 0.3); require the real signature at offset 0.
    signatures = {"image/png": (b"\x89PNG\r\n\x1a\n",), "image/jpeg": (b"\xff\xd8\xff",),
                  "image/gif": (b"GIF87a", b"GIF89a")}
    for mime in sorted(candidates):
        if mime == "image/webp" and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return mime
        if head.startswith(signatures.get(mime, ())):
            return mime
    raise _unsupported()


def _looks_like_markup(head: bytes) -> bool:
    sample = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return sample.startswith(b"<") or any(marker in sample for marker in MARKUP_MARKERS)


def _is_text(head: bytes) -> bool:
    # No encoding is required: Excel in Quebec writes CSV in Windows-1252, not UTF-8. Control
    # bytes other than whitespace are what give a binary away.
    return not any(byte < 0x20 and byte not in TEXT_CONTROL_OK for byte in head)


def _zip_type(file: IO[bytes]) -> str:
    try:
        archive = zipfile.ZipFile(file)
        entries = archive.infolist()
        _check_zip_caps(entries)
        names = {entry.filename for entry in entries}
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise refuse("macros_refused", _("Les documents contenant des macros ne sont pas "
                                             "acceptés."))
        if "mimetype" in names:
            # Bounded: zipfile inflates only what is asked for (the declared size may lie).
            with archive.open("mimetype") as entry:
                head = entry.read(ENTRY_HEAD_BYTES)
            declared = head[:100].decode("ascii", "replace").strip()
            if declared in ODF_TYPES:
                return declared
        if "[Content_Types].xml" in names:
            for part, mime in OOXML_MAIN_PARTS.items():
                if part in names:
                    return mime
        return "application/zip"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError) as exc:
        raise refuse("bad_zip", _("Cette archive ZIP est illisible ou corrompue.")) from exc
    finally:
        file.seek(0)


def _check_zip_caps(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > settings.DOCS_ZIP_MAX_ENTRIES:
        raise refuse("zip_too_many_entries", _(
            "Cette archive contient trop de fichiers (%(max)s au plus).")
            % {"max": settings.DOCS_ZIP_MAX_ENTRIES})
    if sum(entry.file_size for entry in entries) > settings.DOCS_ZIP_MAX_UNCOMPRESSED_BYTES:
        raise refuse("zip_too_large", _(
            "Cette archive décompressée dépasserait %(max)s Mo : elle est refusée.")
            % {"max": settings.DOCS_ZIP_MAX_UNCOMPRESSED_BYTES // (1024 * 1024)})
    # Office XML compresses ten- to fiftyfold; a thousandfold is a bomb for whoever opens it.
    for entry in entries:
        if (entry.file_size > RATIO_FLOOR_BYTES
                and entry.file_size > settings.DOCS_ZIP_MAX_RATIO * max(entry.compress_size, 1)):
            raise refuse("zip_ratio", _(
                "Cette archive est compressée à l'excès (plus de %(ratio)s fois) : elle "
                "pourrait saturer la mémoire de qui l'ouvre. Elle est refusée.")
                % {"ratio": settings.DOCS_ZIP_MAX_RATIO})
