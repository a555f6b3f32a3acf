"""A document whose file is gone (its versions deleted, as by an interrupted purge or an
operator in the admin) still lists everywhere without breaking the page: no size, no type, no
date, never a 500."""

from __future__ import annotations

import html as markup

import pytest
from django.urls import reverse

from communities.services.discussion import post_message, start_thread
from docs_store.models import Document, DocumentVersion
from docs_store.services import delete_document
from frontend.templatetags.documents import filesize
from frontend.templatetags.espace import day
from tests.clients import api_client_for, client_for
from tests.docs_store.pages import a_document

pytestmark = pytest.mark.django_db


def _without_file(people, title: str) -> Document:  # type: ignore[no-untyped-def]
    document = a_document(people, title=title)
    DocumentVersion.objects.filter(document=document).delete()
    document.refresh_from_db()
    assert document.current_version is None
    return document


def test_the_filters_give_nothing_for_a_missing_value() -> None:
    # A template resolving ``d.current_version.size`` on a document without a version passes
    # the empty string, not None.
    assert filesize("") == "" and filesize(None) == ""
    assert day("") == "" and day(None) == ""
    assert filesize(1536) == "1,5\xa0ko"


def test_every_page_listing_documents_survives_a_document_without_file(fs_backend, people):
    listed = _without_file(people, "Fichier perdu")
    trashed = _without_file(people, "Perdu et jeté")
    delete_document(actor=people.facilitator, document=trashed)
    thread = start_thread(actor=people.member, space=people.space, title="Bancs",
                          body="Qui a un guide ?").thread
    post_message(actor=people.member, thread=thread, body="Le voici", attachments=[listed.pk])
    client = client_for(people.facilitator)
    pages = {
        "browser": (reverse("documents", args=["rma"]), "Fichier perdu"),
        "trash": (reverse("documents-trash", args=["rma"]), "Perdu et jeté"),
        "document": (reverse("document", args=["rma", listed.pk]), "Fichier perdu"),
        "thread (card and composer)": (reverse("thread", args=["rma", thread.pk]),
                                       "Fichier perdu"),
        "search": (reverse("search") + "?q=perdu", "Fichier perdu"),
    }
    for name, (url, title) in pages.items():
        answer = client.get(url)
        assert answer.status_code == 200, name
        assert title in markup.unescape(answer.content.decode()), name
    download = client.get(reverse("document-download", args=["rma", listed.pk]))
    assert download.status_code == 404
    api = api_client_for(people.facilitator)
    listing = api.get(f"/api/v1/spaces/{people.space.slug}/documents")
    assert listing.status_code == 200
    assert [d["version"] for d in listing.json()["documents"]] == [None]
