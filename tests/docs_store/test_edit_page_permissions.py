"""The page that edits a document's title, description and folder is shown only to those who
may save it (docs_store.access.may_edit); everyone else gets a clear refusal and no form, and
no link to it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from docs_store.models import SpaceDocumentSettings, UploadsBy
from tests.clients import client_for
from tests.docs_store.pages import a_document

pytestmark = pytest.mark.django_db


def _edit_page(user, document):  # type: ignore[no-untyped-def]
    return client_for(user).get(reverse("document-edit", args=["rma", document.pk]))


def test_a_member_who_may_not_edit_gets_no_form(fs_backend, people):
    document = a_document(people)

    answer = _edit_page(people.member, document)

    assert answer.status_code == 403
    page = answer.content.decode()
    assert 'name="title"' not in page and 'name="description"' not in page
    assert "peuvent le modifier" in page


def test_the_document_page_links_to_no_edit_page_for_them(fs_backend, people):
    document = a_document(people)
    page = client_for(people.member).get(reverse("document", args=["rma", document.pk]))
    assert reverse("document-edit", args=["rma", document.pk]) not in page.content.decode()


def test_the_uploader_where_members_upload_and_the_facilitator_get_the_form(fs_backend,
                                                                            people):
    SpaceDocumentSettings.objects.create(space=people.space, uploads_by=UploadsBy.MEMBERS)
    mine = a_document(people, by=people.member, title="Mon plan")
    for user in (people.member, people.facilitator):
        answer = _edit_page(user, mine)
        assert answer.status_code == 200
        assert 'name="title"' in answer.content.decode()
        page = client_for(user).get(reverse("document", args=["rma", mine.pk]))
        assert reverse("document-edit", args=["rma", mine.pk]) in page.content.decode()


def test_an_uploader_no_longer_allowed_to_upload_gets_no_form(fs_backend, people):
    settings = SpaceDocumentSettings.objects.create(space=people.space,
                                                    uploads_by=UploadsBy.MEMBERS)
    mine = a_document(people, by=people.member, title="Mon plan")
    settings.uploads_by = UploadsBy.FACILITATORS
    settings.save()
    assert _edit_page(people.member, mine).status_code == 403


def test_the_trash_confirmation_is_not_offered_to_them_either(fs_backend, people):
    document = a_document(people)
    answer = client_for(people.member).get(reverse("document-delete", args=["rma", document.pk]))
    assert answer.status_code == 403
    assert "<form" not in answer.content.decode().split("<main", 1)[-1]
