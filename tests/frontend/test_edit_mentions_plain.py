"""Editing a message without JavaScript: the textarea shows mentions as "@Name", never the
stored ``@**Name|id**``, and nothing else is added to what the member wrote; saving binds the
names back to the people the message mentioned. With JavaScript the rich editor starts from
the stored text, rendered (with mentions as chips) by the server's safe renderer."""

from __future__ import annotations

import re
from html import unescape

from django.urls import reverse

from communities.markdown import editor_html, mentions_as_names, rebind_mentions
from communities.models import Message, MessageRevision, Thread
from communities.services.discussion import post_message
from tests.clients import Personas
from tests.conftest import People


def _textarea(html: str) -> str:
    found = re.search(r"<textarea[^>]*name=\"body\"[^>]*>\n?(.*?)</textarea>", html, re.DOTALL)
    assert found, "no body textarea on the page"
    return unescape(found.group(1))


def _editor_source(html: str) -> tuple[str, str]:
    found = re.search(r'<template data-editor-source="([^"]*)">(.*?)</template>', html, re.DOTALL)
    assert found, "no editor source on the page"
    return unescape(found.group(1)), found.group(2)


def _mine(people: People, thread: Thread) -> Message:
    return post_message(
        actor=people.member, thread=thread,
        body=(f"Merci @**Florence Animatrice|{people.facilitator.pk}** pour le **rappel**,\n"
              f"et @**Noémie Membre|{people.other_member.pk}** aussi.")).message


def test_the_edit_page_shows_mentions_as_names_and_nothing_more(
        web: Personas, people: People, thread: Thread) -> None:
    message = _mine(people, thread)
    html = web.member.get(reverse("message-edit", args=["rma", message.pk])).content.decode()
    # The member's own words and formatting as written; only the mentions read as names.
    assert _textarea(html) == ("Merci @Florence Animatrice pour le **rappel**,\n"
                               "et @Noémie Membre aussi.")
    assert "@**" not in _textarea(html)
    # The rich editor, when there is one, starts from the stored text and its rendering.
    source, rendered = _editor_source(html)
    assert source == message.body
    assert (f'<span class="mention-chip" contenteditable="false" '
            f'data-mention="{people.facilitator.pk}" data-name="Florence Animatrice">'
            "@Florence Animatrice</span>") in rendered
    assert "<strong>rappel</strong>" in rendered


def test_saving_the_names_binds_them_back_to_the_same_people(
        web: Personas, people: People, thread: Thread) -> None:
    message = _mine(people, thread)
    url = reverse("message-edit", args=["rma", message.pk])
    shown = _textarea(web.member.get(url).content.decode())
    response = web.member.post(url, {"body": shown.replace("aussi.", "aussi, merci.")})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.body == (
        f"Merci @**Florence Animatrice|{people.facilitator.pk}** pour le **rappel**,\n"
        f"et @**Noémie Membre|{people.other_member.pk}** aussi, merci.")
    assert f'<span class="mention" data-user="{people.facilitator.pk}">' in message.html
    assert f'<span class="mention" data-user="{people.other_member.pk}">' in message.html


def test_saving_the_page_untouched_changes_nothing(
        web: Personas, people: People, thread: Thread) -> None:
    message = _mine(people, thread)
    url = reverse("message-edit", args=["rma", message.pk])
    shown = _textarea(web.member.get(url).content.decode())
    # As a browser sends it: line breaks as CRLF.
    assert web.member.post(url, {"body": shown.replace("\n", "\r\n")}).status_code == 302
    before = message.body
    message.refresh_from_db()
    assert message.body == before and message.edited_at is None
    assert not MessageRevision.objects.filter(message=message).exists()


def test_a_name_the_message_did_not_mention_stays_as_typed(
        web: Personas, people: People, thread: Thread) -> None:
    message = post_message(actor=people.member, thread=thread, body="Bonjour à tous").message
    url = reverse("message-edit", args=["rma", message.pk])
    assert web.member.post(url, {"body": "Bonjour @Florence Animatrice"}).status_code == 302
    message.refresh_from_db()
    assert message.body == "Bonjour @Florence Animatrice"
    assert 'class="mention"' not in message.html


def test_a_refused_edit_keeps_the_names_and_the_editor_its_mentions(
        web: Personas, people: People, thread: Thread) -> None:
    message = _mine(people, thread)
    url = reverse("message-edit", args=["rma", message.pk])
    response = web.member.post(url, {"body": "@Florence Animatrice " + "x" * 20_001})
    assert response.status_code == 400
    html = response.content.decode()
    assert _textarea(html).startswith("@Florence Animatrice xxx")
    source, _rendered = _editor_source(html)
    assert source.startswith(f"@**Florence Animatrice|{people.facilitator.pk}** xxx")
    message.refresh_from_db()
    assert "x" * 10 not in message.body


def test_the_inline_edit_starts_the_editor_from_the_stored_text(
        web: Personas, people: People, thread: Thread) -> None:
    message = _mine(people, thread)
    html = web.member.get(reverse("message-edit", args=["rma", message.pk]),
                          headers={"HX-Request": "true"}).content.decode()
    assert 'class="form inline-edit"' in html
    assert _editor_source(html)[0] == message.body
    # Its own ids, so the composer's label keeps naming the composer.
    assert f'id="message-{message.pk}-body"' in html


def test_two_people_mentioned_under_one_name_keep_their_stored_form() -> None:
    stored = "Voir @**Marie Roy|3** et @**Marie Roy|9**, puis @**Luc|4**"
    shown = mentions_as_names(stored)
    assert shown == "Voir @**Marie Roy|3** et @**Marie Roy|9**, puis @Luc"
    assert rebind_mentions(shown, stored) == stored


def test_longer_names_are_bound_first_and_words_that_merely_start_alike_are_not() -> None:
    stored = "@**Marie|3** et @**Marie-Ève Roy|9**"
    assert rebind_mentions("@Marie-Ève Roy, @Marie et @Mariette", stored) == (
        "@**Marie-Ève Roy|9**, @**Marie|3** et @Mariette")


def test_a_chip_cannot_carry_markup_out_of_its_name() -> None:
    rendered = editor_html('@**A "b" <i>c</i>|5** fin')
    assert "<i>" not in rendered
    assert 'data-name="A &quot;b&quot; &lt;i&gt;c&lt;/i&gt;"' in rendered
    assert 'data-mention="5"' in rendered
