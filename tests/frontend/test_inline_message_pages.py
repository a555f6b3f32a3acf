"""The partial answers htmx gets for a message edited or deleted in place: the edit form in
the message's row, the row again once saved (or with the French error and what was typed), the
tombstone once deleted. The service and its event are the same as for the full pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.models import Event, Message
from communities.services.discussion import post_message, start_thread
from communities.services.moderation import delete_message
from tests.clients import Personas
from tests.conftest import People

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def mine(people: People) -> Message:
    posted = start_thread(actor=people.facilitator, space=people.space, title="Parcs",
                          body="Bonjour")
    return post_message(actor=people.member, thread=posted.thread,
                        body="Merci @**Florence Animatrice** pour le **rappel**").message


def _url(name: str, message: Message) -> str:
    return reverse(name, args=["rma", message.pk])


def test_the_edit_form_comes_as_the_messages_row(web: Personas, mine: Message) -> None:
    html = web.member.get(_url("message-edit", mine), headers=HTMX).content.decode()
    assert f'id="message-{mine.pk}"' in html and 'class="card message is-editing"' in html
    assert f'hx-post="{_url("message-edit", mine)}"' in html
    assert "<html" not in html
    # Without htmx, the page of its own, as before.
    assert "<html" in web.member.get(_url("message-edit", mine)).content.decode()


def test_saving_in_place_answers_the_row_and_emits_the_edit(web: Personas,
                                                           mine: Message) -> None:
    response = web.member.post(_url("message-edit", mine), {"body": "Texte **revu**"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="message-{mine.pk}"' in html and "<strong>revu</strong>" in html
    assert "data-inline-edit" in html and "<html" not in html
    mine.refresh_from_db()
    assert mine.body == "Texte **revu**"
    assert Event.objects.filter(kind="message.edited").count() == 1


def test_a_refused_edit_keeps_the_text_and_says_why_in_place(web: Personas,
                                                             mine: Message) -> None:
    response = web.member.post(_url("message-edit", mine), {"body": "   "}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps it in place
    assert "is-editing" in html and "errorlist" in html
    mine.refresh_from_db()
    assert mine.body.startswith("Merci")


def test_the_row_alone_is_what_cancel_puts_back(web: Personas, mine: Message) -> None:
    html = web.member.get(_url("message-row", mine)).content.decode()
    assert f'id="message-{mine.pk}"' in html and "<strong>rappel</strong>" in html
    assert "<html" not in html


def test_deleting_in_place_answers_the_tombstone(web: Personas, mine: Message) -> None:
    response = web.member.post(_url("message-delete", mine), headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "is-deleted" in html and "tombstone" in html
    assert "rappel" not in html
    mine.refresh_from_db()
    assert mine.deleted_at is not None
    assert Event.objects.filter(kind="message.deleted").count() == 1


def test_editing_a_message_deleted_meanwhile_shows_its_tombstone(
        web: Personas, people: People, mine: Message) -> None:
    delete_message(actor=people.facilitator, message=mine)
    response = web.member.post(_url("message-edit", mine), {"body": "Trop tard"}, headers=HTMX)
    assert response.status_code == 200 and "tombstone" in response.content.decode()


def test_someone_elses_message_cannot_be_deleted_in_place(web: Personas,
                                                          people: People) -> None:
    posted = start_thread(actor=people.other_member, space=people.space, title="À moi",
                          body="Mon texte")
    response = web.member.post(_url("message-delete", posted.message), headers=HTMX)
    assert response.status_code == 403
    posted.message.refresh_from_db()
    assert posted.message.deleted_at is None
