"""Files uploaded while composing go through the posting service itself (documents plug into
posting): the new documents and the message are one write, and a refused message leaves no
document and no stored file."""

from __future__ import annotations

import io

import pytest

from communities import attachments
from communities.attachments import NewFile
from communities.errors import ServiceError
from communities.models import Message, Thread
from communities.services.discussion import post_message, start_thread
from communities.services.moderation import lock_thread
from docs_store.attaching import DocumentAttachments
from docs_store.attachments import MAX_ATTACHMENTS
from docs_store.models import Attachment, Document
from tests.docs_store.pages import a_document
from tests.docs_store.samples import HTML, PDF
from tests.events_helper import verify_space_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(people) -> Thread:
    return start_thread(actor=people.member, space=people.space, title="Bancs",
                        body="Qui a un guide ?").thread


def pdf(name: str = "compte-rendu.pdf") -> NewFile:
    return NewFile(file=io.BytesIO(PDF), name=name)


def test_the_plug_posting_asks_is_the_documents_one() -> None:
    assert isinstance(attachments._plug, DocumentAttachments)


def test_a_file_posted_with_a_reply_becomes_its_document_in_the_same_write(fs_backend, people,
                                                                          thread):
    guide = a_document(people)
    posted, events = verify_space_action("rma", lambda: post_message(
        actor=people.facilitator, thread=thread, body="Le compte rendu",
        attachments=[guide.pk], files=[pdf()]), kinds=["document.created", "message.created"])
    new = Document.objects.get(title="compte-rendu")
    assert [card["id"] for card in events[1].payload["message"]["attachments"]] == [
        guide.pk, new.pk]
    assert list(Attachment.objects.filter(message=posted.message).order_by("position")
                .values_list("document_id", flat=True)) == [guide.pk, new.pk]


@pytest.mark.parametrize("problem", ["locked thread", "bad file", "too many"])
def test_a_refused_reply_leaves_no_document_and_no_file(fs_backend, people, thread, problem):
    ids: list[object] = []
    if problem == "locked thread":
        lock_thread(actor=people.facilitator, thread=thread, locked=True)
    if problem == "too many":
        ids = [a_document(people, title=f"D{i}").pk for i in range(MAX_ATTACHMENTS)]
    stored_before = fs_backend.keys()
    documents_before = Document.objects.count()
    new = NewFile(file=io.BytesIO(HTML), name="note.pdf") if problem == "bad file" else pdf()
    with pytest.raises(ServiceError):
        post_message(actor=people.facilitator, thread=thread, body="Texte", attachments=ids,
                     files=[new])
    assert Document.objects.count() == documents_before
    assert fs_backend.keys() == stored_before
    assert Message.objects.count() == 1


def test_a_refused_new_thread_stores_nothing(fs_backend, people):
    with pytest.raises(ServiceError):
        start_thread(actor=people.facilitator, space=people.space, title="", body="Texte",
                     files=[pdf()])
    assert not Document.objects.exists() and fs_backend.keys() == []


def test_a_retried_post_does_not_store_its_file_twice(fs_backend, people, thread):
    first = post_message(actor=people.facilitator, thread=thread, body="Texte",
                         client_id="essai-1", files=[pdf()])
    again = post_message(actor=people.facilitator, thread=thread, body="Texte",
                         client_id="essai-1", files=[pdf()])
    assert again.created is False and again.message.pk == first.message.pk
    assert Document.objects.count() == 1 and len(fs_backend.keys()) == 1
