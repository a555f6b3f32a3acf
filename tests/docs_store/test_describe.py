"""Changing a document's description: its event, its refusals, and search following it."""

from __future__ import annotations

import pytest

from communities.errors import Forbidden, ServiceError
from docs_store.services import MAX_DESCRIPTION_CHARS, describe_document
from tests.docs_store.pages import a_document
from tests.docs_store.state import apply_document_event, fetch_documents
from tests.events_helper import verify_space_action

pytestmark = pytest.mark.django_db


def test_a_new_description_is_announced_and_applies_like_a_fetch(fs_backend, people):
    document = a_document(people)
    before = fetch_documents("rma")
    _result, events = verify_space_action("rma", lambda: describe_document(
        actor=people.facilitator, document=document, description="  Version adoptée  "),
        kinds=["document.described"])
    assert events[0].payload["document"]["description"] == "Version adoptée"
    apply_document_event(before, events[0].kind, events[0].payload)
    assert before == fetch_documents("rma")


def test_the_same_description_emits_nothing(fs_backend, people):
    document = a_document(people, description="Pareil")
    verify_space_action("rma", lambda: describe_document(
        actor=people.facilitator, document=document, description="Pareil"), kinds=[])


def test_refusals(fs_backend, people):
    document = a_document(people)
    with pytest.raises(Forbidden):
        describe_document(actor=people.member, document=document, description="À moi")
    with pytest.raises(ServiceError, match="trop longue"):
        describe_document(actor=people.facilitator, document=document,
                          description="x" * (MAX_DESCRIPTION_CHARS + 1))
    document.refresh_from_db()
    assert document.description == ""


def test_search_finds_the_new_description(fs_backend, people):
    from docs_store.search import search_documents

    document = a_document(people)
    describe_document(actor=people.facilitator, document=document,
                      description="Mobilier urbain accessible")
    found = search_documents(user=people.member, q="mobilier")
    assert [hit.document.pk for hit in found.hits] == [document.pk]
