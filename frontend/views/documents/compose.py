"""What the thread composer needs to attach documents: the space's documents to pick from,
whether a new file may be uploaded with the message, and that file for the posting service
(the thread and space pages post through communities' services)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from communities.attachments import NewFile
from communities.errors import ServiceError
from communities.ids import parse_id
from communities.models import Space
from docs_store.access import settings_for
from docs_store.models import Document, UploadsBy
from frontend.document_forms import FILE_ERRORS

#: The picker lists this many documents, most recent first; older ones are found by name in
#: the folder browser (and attached through the API).
PICKER_SIZE = 200


def compose_context(request: HttpRequest, space: Space, *, moderator: bool,
                    error: ServiceError | None = None) -> dict[str, Any]:
    attachable = list(Document.objects.filter(space=space, deleted_at__isnull=True)
                      .select_related("current_version").defer("content_text")
                      .order_by("-created_at")[:PICKER_SIZE])
    attachable.sort(key=lambda d: d.title.lower())
    picked = {n for n in map(parse_id, request.POST.getlist("attachments")) if n is not None}
    return {
        "attachable": attachable, "picked": picked,
        # Facilitators always; members when the space lets them (docs_store.services.may_upload).
        "may_upload": moderator or settings_for(space).uploads_by == UploadsBy.MEMBERS,
        "upload_error": str(error.message) if error and error.code in FILE_ERRORS else "",
    }


def new_files(request: HttpRequest) -> list[NewFile]:
    """The file uploaded in the composer, if any, for the posting service to store with the
    message."""
    upload = request.FILES.get("upload")
    return [NewFile(file=upload, name=upload.name or "")] if upload else []  # type: ignore[arg-type]
