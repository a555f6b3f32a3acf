"""A client's view of a space's documents, rebuilt from events and compared with a fresh
fetch: the document counterpart of tests/events_helper.fetch_state."""

from __future__ import annotations

from typing import Any

from docs_store.models import Document, DocumentVersion, Folder
from docs_store.serializers import document_data, folder_data


def fetch_documents(space_slug: str) -> dict[str, Any]:
    return {
        "folders": {f.pk: folder_data(f) for f in Folder.objects.filter(space__slug=space_slug)},
        "documents": {d.pk: document_data(d) for d in Document.objects.filter(
            space__slug=space_slug).select_related("space", "uploader",
                                                   "current_version__uploaded_by")},
    }


def apply_document_event(state: dict[str, Any], kind: str, data: dict[str, Any]) -> None:
    if kind == "folder.deleted":
        del state["folders"][data["folder"]["id"]]
    elif kind.startswith("folder."):
        state["folders"][data["folder"]["id"]] = data["folder"]
    elif kind == "document.purged":
        del state["documents"][data["document"]["id"]]
    elif kind.startswith("document."):
        # Every document event carries the whole document as it now is.
        state["documents"][data["document"]["id"]] = data["document"]
    else:
        raise AssertionError(f"not a document event: {kind}")


def current(document: Document) -> DocumentVersion:
    version = document.current_version
    assert version is not None
    return version
