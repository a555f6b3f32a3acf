"""The JSON shapes of folders, documents and versions, shared by events and the API. Storage
keys never leave the server: a download goes through the permission check."""

from __future__ import annotations

from typing import Any

from communities.serializers import person
from docs_store.models import Document, DocumentVersion, Folder


def folder_data(folder: Folder) -> dict[str, Any]:
    return {"id": folder.pk, "space": folder.space.slug, "parent": folder.parent_id,
            "name": folder.name, "created_at": folder.created_at.isoformat()}


def version_data(version: DocumentVersion) -> dict[str, Any]:
    return {
        "number": version.number, "name": version.original_name, "size": version.size,
        "content_type": version.content_type, "sha256": version.sha256,
        "uploaded_by": person(version.uploaded_by) if version.uploaded_by else None,
        "created_at": version.created_at.isoformat(),
    }


def document_data(document: Document) -> dict[str, Any]:
    version = document.current_version
    return {
        "id": document.pk, "space": document.space.slug, "folder": document.folder_id,
        "title": document.title, "description": document.description,
        "uploader": person(document.uploader) if document.uploader else None,
        "created_at": document.created_at.isoformat(),
        "deleted": document.deleted_at is not None,
        "version": version_data(version) if version else None,
    }
