"""Restoring an old version as the current one: service, event and API, on both backends."""

from __future__ import annotations

import io

import pytest

from communities.errors import Forbidden, NotFound
from docs_store import services
from docs_store.downloads import download_response
from docs_store.models import Document
from tests.clients import api_client_for
from tests.docs_store.samples import CSV, PDF
from tests.docs_store.state import apply_document_event, fetch_documents
from tests.events_helper import verify_space_action

pytestmark = pytest.mark.django_db


def _two_versions(people) -> Document:
    document = services.upload_document(actor=people.facilitator, space=people.space,
                                        file=io.BytesIO(CSV), file_name="liste.csv")
    services.add_version(actor=people.facilitator, document=document, file=io.BytesIO(PDF),
                         file_name="liste.pdf")
    return document


def _body(backend, response) -> bytes:
    if backend.kind == "fs":
        return b"".join(response.streaming_content)
    import urllib.request

    with urllib.request.urlopen(response["Location"], timeout=10) as answer:  # noqa: S310
        return answer.read()


def test_restore_makes_old_version_current_and_emits(backend, people):
    document = _two_versions(people)
    before = fetch_documents(people.space.slug)
    _, events = verify_space_action(people.space.slug, lambda: services.restore_version(
        actor=people.facilitator, document=document, number=1),
        kinds=["document.version_restored"])
    for event in events:
        apply_document_event(before, event.kind, event.payload)
        assert event.payload["previous_version"] == 2
        assert event.payload["version"]["number"] == 1
    assert before == fetch_documents(people.space.slug)
    fresh = Document.objects.get(pk=document.pk)
    assert fresh.current_version is not None and fresh.current_version.number == 1
    assert fresh.versions.count() == 2
    assert len(backend.keys()) == 2  # nothing copied
    response = download_response(user=people.member, document_id=document.pk, number=None)
    assert _body(backend, response) == CSV
    # Already current: nothing happens.
    verify_space_action(people.space.slug, lambda: services.restore_version(
        actor=people.facilitator, document=fresh, number=1), kinds=[])


def test_restore_refusals(fs_backend, people):
    document = _two_versions(people)
    with pytest.raises(Forbidden):
        services.restore_version(actor=people.member, document=document, number=1)
    with pytest.raises(NotFound):
        services.restore_version(actor=people.facilitator, document=document, number=9)


def test_restore_through_the_api(fs_backend, people):
    document = _two_versions(people)
    answer = api_client_for(people.facilitator).post(
        f"/api/v1/documents/{document.pk}/versions/1/restore")
    assert answer.status_code == 200, answer.content
    assert answer.json()["version"]["number"] == 1
    assert api_client_for(people.member).post(
        f"/api/v1/documents/{document.pk}/versions/2/restore").status_code == 403
    assert api_client_for(people.outsider).post(
        f"/api/v1/documents/{document.pk}/versions/2/restore").status_code == 404
