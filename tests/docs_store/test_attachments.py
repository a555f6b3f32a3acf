"""Documents attached to discussion messages: the service, the message object (API and
events), the thread page with and without JavaScript, and what a trashed document shows."""

from __future__ import annotations

import html as markup
import io
import json
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from communities.errors import ServiceError
from communities.models import Membership, Message, Role, Space, Thread
from communities.services.discussion import post_message, start_thread
from communities.services.moderation import lock_thread
from docs_store.attachments import MAX_ATTACHMENTS
from docs_store.models import Attachment, Document, SpaceDocumentSettings
from docs_store.services import delete_document, empty_trash, rename_document, restore_document
from tests.clients import api_client_for, client_for
from tests.docs_store.pages import a_document
from tests.docs_store.samples import HTML, PDF
from tests.events_helper import verify_space_action
from tests.ids_helper import HUGE_ID, huge_id_kept_from_the_database
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(people) -> Thread:
    return start_thread(actor=people.member, space=people.space, title="Bancs",
                        body="Qui a un guide ?").thread


def card(document: Document) -> dict[str, object]:
    version = document.current_version
    assert version is not None
    return {"id": document.pk, "title": document.title, "content_type": version.content_type,
            "size": version.size, "url": f"/espaces/rma/documents/{document.pk}/",
            "download_url": f"/espaces/rma/documents/{document.pk}/telecharger/",
            "deleted": False}


def gone(document_id: int | None) -> dict[str, object]:
    return {"id": document_id, "title": "", "content_type": "", "size": 0, "url": None,
            "download_url": None, "deleted": True}


# --- the service and the message object ------------------------------------------------------
def test_a_message_carries_its_documents_as_cards_in_its_event(fs_backend, people, thread):
    guide, plan = a_document(people), a_document(people, title="Plan")
    posted, events = verify_space_action("rma", lambda: post_message(
        actor=people.member, thread=thread, body="Voici les deux",
        attachments=[str(plan.pk), guide.pk]), kinds=["message.created"])
    assert events[0].payload["message"]["attachments"] == [card(plan), card(guide)]
    assert list(Attachment.objects.filter(message=posted.message)
                .values_list("document_id", flat=True).order_by("position")) == [plan.pk, guide.pk]


@pytest.mark.parametrize("case", ["other space", "trashed", "unknown", "malformed", "too many"])
def test_a_bad_attachment_refuses_the_whole_post(fs_backend, people, thread, case):
    other = Space.objects.create(slug="autre", name="Autre")
    Membership.objects.create(space=other, user=people.facilitator, role=Role.FACILITATOR)
    makers: dict[str, Callable[[], list[object]]] = {
        "other space": lambda: [a_document(people).pk, _document_in(other, people).pk],
        "trashed": lambda: [_trashed(people).pk],
        "unknown": lambda: [999_999],
        "malformed": lambda: ["1 OR 1=1"],
        "too many": lambda: [a_document(people, title=f"D{i}").pk
                             for i in range(MAX_ATTACHMENTS + 1)],
    }
    ids = makers[case]()
    before = Message.objects.count()
    with pytest.raises(ServiceError) as refused:
        post_message(actor=people.member, thread=thread, body="Avec pièce", attachments=ids)
    assert refused.value.message  # French, and never the title of another space's document
    assert "Secret" not in str(refused.value.message)
    assert Message.objects.count() == before and Attachment.objects.count() == 0


def _document_in(space: Space, people) -> Document:  # type: ignore[no-untyped-def]
    from docs_store.services import upload_document

    return upload_document(actor=people.facilitator, space=space, file=io.BytesIO(PDF),
                           file_name="secret.pdf", title="Secret")


def _trashed(people) -> Document:  # type: ignore[no-untyped-def]
    document = a_document(people, title="Ancien")
    return delete_document(actor=people.facilitator, document=document)


def test_posting_without_attachments_costs_the_same_queries_as_before(
        fs_backend, people, thread):
    with count_queries(at_most=11):
        post_message(actor=people.member, thread=thread, body="Sans pièce jointe")


def test_attachments_cost_two_queries_whatever_their_number(fs_backend, people, thread):
    documents = [a_document(people, title=f"D{i}").pk for i in range(5)]

    def cost(attachments: list[int]) -> int:
        with count_queries() as captured:
            post_message(actor=people.member, thread=thread, body="Texte",
                         attachments=attachments)
        return len(captured)

    without = cost([])
    # One to check the documents, one to insert the attachments; and on PostgreSQL, where a
    # post with nothing attached is one statement, the transaction a post with attachments
    # writes in (its savepoint and release, the message and the event apart): four more.
    extra = 2 + (4 if connection.vendor == "postgresql" else 0)
    assert cost(documents[:1]) == without + extra
    assert cost(documents) == without + extra


def test_a_document_trashed_later_shows_as_deleted_without_its_title(fs_backend, people,
                                                                      thread):
    guide = a_document(people)
    post_message(actor=people.member, thread=thread, body="Le guide", attachments=[guide.pk])
    verify_space_action("rma", lambda: delete_document(actor=people.facilitator,
                                                       document=guide),
                        kinds=["document.deleted"])
    api = api_client_for(people.other_member).get(f"/api/v1/threads/{thread.pk}").json()
    assert api["messages"][-1]["attachments"] == [gone(guide.pk)]
    page = client_for(people.other_member).get(reverse("thread", args=["rma", thread.pk]))
    text = markup.unescape(page.content.decode())
    assert "Document supprimé" in text and "Guide des bancs" not in text
    # Back from the trash, then renamed: the card follows, event by event.
    verify_space_action("rma", lambda: restore_document(actor=people.facilitator,
                                                        document=guide),
                        kinds=["document.restored"])
    verify_space_action("rma", lambda: rename_document(actor=people.facilitator,
                                                       document=guide, title="Guide 2026"),
                        kinds=["document.renamed"])


def test_a_purged_document_leaves_a_deleted_card(fs_backend, people, thread,
                                                 django_capture_on_commit_callbacks):
    guide = a_document(people)
    posted = post_message(actor=people.member, thread=thread, body="Le guide",
                          attachments=[guide.pk])
    delete_document(actor=people.facilitator, document=guide)
    Membership.objects.filter(user=people.facilitator).update(role=Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        empty_trash(actor=people.facilitator, space=people.space)
    assert Attachment.objects.get(message=posted.message).document is None
    api = api_client_for(people.member).get(f"/api/v1/threads/{thread.pk}").json()
    assert api["messages"][-1]["attachments"] == [gone(None)]


def test_the_api_posts_with_attachments_and_refuses_bad_ones(fs_backend, people, thread):
    guide = a_document(people)
    api = api_client_for(people.member)
    url = f"/api/v1/threads/{thread.pk}/messages"
    posted = api.post(url, json.dumps({"body": "Le guide", "attachments": [guide.pk]}),
                      content_type="application/json")
    assert posted.status_code == 201
    assert posted.json()["message"]["attachments"] == [card(guide)]
    refused = api.post(url, json.dumps({"body": "Encore", "attachments": [999_999]}),
                       content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "attachment_unavailable"


# --- the thread page -------------------------------------------------------------------------
def _reply(client: Client, thread: Thread, **fields: object):  # type: ignore[no-untyped-def]
    return client.post(reverse("thread", args=["rma", thread.pk]), {"body": "", **fields})


def test_picking_documents_in_the_composer_without_javascript(fs_backend, people, thread):
    guide = a_document(people)
    client = client_for(people.member)
    composer = markup.unescape(client.get(reverse("thread", args=["rma", thread.pk]))
                               .content.decode())
    assert f'name="attachments" value="{guide.pk}"' in composer
    answer = _reply(client, thread, body="Voici le guide", attachments=[str(guide.pk)])
    assert answer.status_code == 302
    message = Message.objects.latest("pk")
    assert [a.document for a in Attachment.objects.filter(message=message)] == [guide]
    page = markup.unescape(client.get(answer["Location"]).content.decode())
    assert reverse("document", args=["rma", guide.pk]) in page
    assert reverse("document-download", args=["rma", guide.pk]) in page


def test_a_refused_post_keeps_the_text_and_the_documents_picked(fs_backend, people, thread):
    guide = a_document(people)
    trashed = _trashed(people)
    answer = _reply(client_for(people.member), thread, body="Mon long texte",
                    attachments=[str(guide.pk), str(trashed.pk)])
    text = markup.unescape(answer.content.decode())
    assert answer.status_code == 400
    assert "Mon long texte" in text and "mis à la corbeille" in text
    assert f'value="{guide.pk}" id="attach-{guide.pk}" checked' in text
    assert Message.objects.count() == 1


def test_uploading_while_composing_without_javascript(fs_backend, people, thread):
    client = client_for(people.facilitator)
    answer = _reply(client, thread, body="Le compte rendu",
                    upload=SimpleUploadedFile("compte-rendu.pdf", PDF, "application/pdf"))
    assert answer.status_code == 302
    document = Document.objects.get()
    assert document.title == "compte-rendu"
    assert Attachment.objects.get().document == document


def test_upload_js_posts_the_composer_and_gets_the_address(fs_backend, people, thread):
    client = client_for(people.facilitator, x_requested_with="fetch")
    answer = _reply(client, thread, body="Le compte rendu",
                    upload=SimpleUploadedFile("cr.pdf", PDF, "application/pdf"))
    assert answer.status_code == 200
    message = Message.objects.latest("pk")
    assert answer.json()["redirect"].endswith(f"#message-{message.pk}")


@pytest.mark.parametrize("problem", ["empty body", "bad file", "locked thread"])
def test_a_refused_post_with_an_upload_leaves_no_document_and_no_file(fs_backend, people,
                                                                      thread, problem):
    if problem == "locked thread":
        lock_thread(actor=people.facilitator, thread=thread, locked=True)
    data, body = (HTML, "Texte") if problem == "bad file" else (PDF, "Texte")
    if problem == "empty body":
        body = ""
    answer = _reply(client_for(people.facilitator), thread, body=body,
                    upload=SimpleUploadedFile("note.pdf", data, "application/pdf"))
    assert answer.status_code in {400, 403}
    assert Document.objects.count() == 0 and fs_backend.keys() == []
    assert Message.objects.count() == 1


def test_members_cannot_upload_while_composing_in_a_facilitators_only_space(fs_backend,
                                                                            people, thread):
    client = client_for(people.member)
    page = client.get(reverse("thread", args=["rma", thread.pk])).content.decode()
    assert 'name="upload"' not in page
    answer = _reply(client, thread, body="Texte",
                    upload=SimpleUploadedFile("note.pdf", PDF, "application/pdf"))
    assert answer.status_code == 400
    assert "seule l'animation peut déposer" in markup.unescape(answer.content.decode())
    assert Document.objects.count() == 0 and fs_backend.keys() == []
    SpaceDocumentSettings.objects.create(space=people.space, uploads_by="members")
    assert 'name="upload"' in client.get(reverse("thread", args=["rma", thread.pk])
                                         ).content.decode()


# --- a new thread, from the space page -------------------------------------------------------
def test_a_new_thread_starts_with_documents_picked_and_uploaded(fs_backend, people):
    guide = a_document(people)
    client = client_for(people.facilitator)
    page = client.get(reverse("space", args=["rma"])).content.decode()
    assert f'name="attachments" value="{guide.pk}"' in page and 'name="upload"' in page
    answer = client.post(reverse("space", args=["rma"]), {
        "title": "Rencontre de mars", "body": "L'ordre du jour et le guide.",
        "attachments": [str(guide.pk)],
        "upload": SimpleUploadedFile("ordre-du-jour.pdf", PDF, "application/pdf")})
    assert answer.status_code == 302
    first = Message.objects.get(thread__title="Rencontre de mars")
    assert list(Attachment.objects.filter(message=first).order_by("position")
                .values_list("document__title", flat=True)) == ["Guide des bancs",
                                                                "ordre-du-jour"]


def test_a_refused_new_thread_leaves_no_uploaded_document(fs_backend, people):
    answer = client_for(people.facilitator).post(reverse("space", args=["rma"]), {
        "title": "", "body": "Sans titre",
        "upload": SimpleUploadedFile("note.pdf", PDF, "application/pdf")})
    assert answer.status_code == 400
    assert "Donnez un titre" in markup.unescape(answer.content.decode())
    assert not Thread.objects.exists() and Document.objects.count() == 0
    assert fs_backend.keys() == []


# --- ids no row can have ---------------------------------------------------------------------
def test_a_huge_attachment_id_is_refused_like_an_unknown_one(fs_backend, people, thread):
    client = client_for(people.member)
    with huge_id_kept_from_the_database():
        answer = _reply(client, thread, body="Mon long texte", attachments=[str(HUGE_ID)])
        opened = client.post(reverse("space", args=["rma"]), {
            "title": "Nouveau fil", "body": "Texte", "attachments": [str(HUGE_ID)]})
    assert answer.status_code == 400
    assert "mis à la corbeille" in markup.unescape(answer.content.decode())
    assert opened.status_code == 400
    assert "mis à la corbeille" in markup.unescape(opened.content.decode())
    assert Message.objects.count() == 1 and Thread.objects.count() == 1


def test_the_api_refuses_a_huge_attachment_id_like_an_unknown_one(fs_backend, people, thread):
    api = api_client_for(people.member)
    for url, payload in [(f"/api/v1/threads/{thread.pk}/messages", {"body": "Encore"}),
                         ("/api/v1/spaces/rma/threads", {"title": "Nouveau", "body": "Texte"})]:
        with huge_id_kept_from_the_database():
            refused = api.post(url, json.dumps({**payload, "attachments": [HUGE_ID]}),
                               content_type="application/json")
        assert refused.status_code == 400, refused.content
        assert refused.json()["code"] == "attachment_unavailable"
        assert "n'existe pas dans cet espace" in refused.json()["message"]
    assert Message.objects.count() == 1 and Thread.objects.count() == 1
