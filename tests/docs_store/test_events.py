"""Every document change emits its event on the space stream, and a client applying the events
ends with what a fresh fetch shows."""

from __future__ import annotations

import io

import pytest

from docs_store import services
from tests.docs_store.samples import CSV, PDF
from tests.docs_store.state import apply_document_event, fetch_documents
from tests.events_helper import verify_space_action

pytestmark = pytest.mark.django_db


def _verify(people, action, kind):
    before = fetch_documents(people.space.slug)
    result, events = verify_space_action(people.space.slug, action, kinds=[kind])
    for event in events:
        assert event.space_id == people.space.pk
        assert "storage_key" not in str(event.payload)
        assert "documents/" not in str(event.payload)
        apply_document_event(before, event.kind, event.payload)
    assert before == fetch_documents(people.space.slug)
    return result


def test_each_change_emits_its_event(fs_backend, people):
    actor, space = people.facilitator, people.space
    folder = _verify(people, lambda: services.create_folder(
        actor=actor, space=space, name="Procès-verbaux"), "folder.created")
    document = _verify(people, lambda: services.upload_document(
        actor=actor, space=space, file=io.BytesIO(PDF), file_name="pv-mars.pdf",
        description="Réunion du 3 mars"), "document.created")
    _verify(people, lambda: services.add_version(
        actor=actor, document=document, file=io.BytesIO(CSV), file_name="pv.csv"),
        "document.version_added")
    _verify(people, lambda: services.rename_document(
        actor=actor, document=document, title="PV de mars"), "document.renamed")
    _verify(people, lambda: services.move_document(
        actor=actor, document=document, folder=folder), "document.moved")
    _verify(people, lambda: services.delete_document(actor=actor, document=document),
            "document.deleted")
    _verify(people, lambda: services.restore_document(actor=actor, document=document),
            "document.restored")


def test_no_change_emits_nothing(fs_backend, people):
    document = services.upload_document(actor=people.facilitator, space=people.space,
                                        file=io.BytesIO(PDF), file_name="a.pdf")
    verify_space_action(people.space.slug, lambda: services.rename_document(
        actor=people.facilitator, document=document, title=document.title), kinds=[])
    verify_space_action(people.space.slug, lambda: services.restore_document(
        actor=people.facilitator, document=document), kinds=[])
