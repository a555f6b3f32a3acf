"""Serving a version: permission first, every time, then either a streamed file (file system)
or a redirect to a short-lived presigned URL (S3). Only PDF and raster images open in the
browser; everything else is an attachment, and nothing is ever sniffed by the browser."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from communities.errors import NotFound
from communities.models import User
from docs_store.models import DocumentVersion
from docs_store.selectors import visible_document

INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif",
                          "image/webp"})
MAX_URL_SECONDS = 300


def is_inline(content_type: str) -> bool:
    return content_type in INLINE_TYPES


def version_for(*, user: User, document_id: int, number: int | None = None) -> DocumentVersion:
    document = visible_document(user=user, document_id=document_id)
    if number is None:
        version = document.current_version
    else:
        version = document.versions.filter(number=number).first()
    # A trashed document reaches here only for those who may restore it (visible_document):
    # they download any version, the current one included, as on its page.
    if version is None:
        raise NotFound("not_found", _("Ce document n'existe pas ou ne vous est pas accessible."))
    version.document = document
    return version


def download_response(*, user: User, document_id: int,
                      number: int | None = None) -> HttpResponseBase:
    version = version_for(user=user, document_id=document_id, number=number)
    inline = is_inline(version.content_type)
    disposition = content_disposition_header(not inline, version.original_name)
    url = _presigned_url(version, disposition)
    if url is not None:
        response: HttpResponseBase = HttpResponseRedirect(url)
    else:
        response = FileResponse(default_storage.open(version.storage_key, "rb"),
                                content_type=version.content_type)
        response["Content-Length"] = str(version.size)
        response["Content-Disposition"] = disposition or "attachment"
        # A PDF or an image opened in a tab is a document of our origin: sandboxed, nothing
        # it holds (PDF scripts, a polyglot file) runs with our cookies or our pages.
        response["Content-Security-Policy"] = "sandbox"
        # The document page previews it in a frame of our own pages only (the sandbox above
        # still applies inside the frame; Chromium's PDF viewer works under it, not under an
        # iframe's sandbox attribute).
        if inline:
            response["X-Frame-Options"] = "SAMEORIGIN"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _presigned_url(version: DocumentVersion, disposition: str | None) -> str | None:
    """A presigned GET when the storage is S3, else None (the file system streams)."""
    if not getattr(default_storage, "bucket_name", None):
        return None
    seconds = min(int(getattr(settings, "DOCS_DOWNLOAD_URL_SECONDS", MAX_URL_SECONDS)),
                  MAX_URL_SECONDS)
    params: dict[str, Any] = {"ResponseContentDisposition": disposition or "attachment",
                              "ResponseContentType": version.content_type}
    return str(default_storage.url(version.storage_key, parameters=params,  # type: ignore[call-arg]
                                   expire=seconds))
