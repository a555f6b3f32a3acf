"""Background work on documents, through Django's Tasks API (the database backend by default:
run by ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task

from docs_store.extraction import extract_version_text, extractable
from docs_store.models import DocumentVersion


@task()
def extract_text(version_id: int) -> str:
    """Make the text of one version searchable (docs_store/extraction.py)."""
    return extract_version_text(version_id=version_id)


def queue_text_extraction(version: DocumentVersion) -> None:
    """Called inside the transaction that records the version: with the database backend the
    task row commits, or rolls back, with the version itself, so no version is left without
    its extraction and no task points at a version that was never saved."""
    if extractable(version.content_type):
        extract_text.enqueue(version.pk)
    else:
        DocumentVersion.objects.filter(pk=version.pk).update(text_status="none")
        version.text_status = "none"
