"""No Markdown syntax reaches a reader where a message is quoted as words: reply quotes (page,
API, events), search results, the delete confirmation, the digest and notification emails."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.models import Event
from communities.services.discussion import post_message, start_thread
from emails import notifications
from tests.clients import Personas
from tests.conftest import People
from tests.emails.helpers import html_of, send_weekly, text_of
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db

BODY = "Voici le **plan des parcs** pour @**Marc Membre**, *urgent* : [carte](https://x.ca)"
SYNTAX = ("**", "@**", "](", "|")


def _clean(text: str) -> None:
    for mark in SYNTAX:
        assert mark not in text, (mark, text)


def _posted(people: People):  # type: ignore[no-untyped-def]
    return start_thread(actor=people.facilitator, space=people.space,
                        title="Parcs inclusifs", body=BODY)


def test_reply_quotes_on_the_page_in_the_api_and_in_events_are_plain(
        people: People, web: Personas) -> None:
    first = _posted(people)
    reply = post_message(actor=people.member, thread=first.thread, body="D'accord",
                         reply_to=first.message.pk)
    page = web.member.get(reverse("thread", args=[people.space.slug, first.thread.pk])).content
    quote = page.decode().split('data-slot="quote-excerpt">')[1].split("</p>")[0]
    assert quote == "Voici le plan des parcs pour @Marc Membre, urgent : carte"
    event = Event.objects.filter(kind="message.created").latest("seq")
    _clean(event.payload["message"]["reply_to"]["excerpt"])
    replying = web.member.get(reverse("thread", args=[people.space.slug, first.thread.pk]),
                              {"reply_to": first.message.pk}).content.decode()
    excerpt = replying.split("data-replying-excerpt>")[1].split("</span>")[0]
    assert excerpt == "Voici le plan des parcs pour @Marc Membre, urgent : carte"
    assert reply.message.reply_to_id == first.message.pk


def test_search_results_show_words_not_syntax(people: People, web: Personas) -> None:
    _posted(people)
    html = web.member.get(reverse("search"), {"q": "parcs"}).content.decode()
    excerpt = html.split('class="search-excerpt">')[1].split("</p>")[0]
    assert "plan des <mark>parcs</mark>" in excerpt
    assert "@Marc Membre" in excerpt
    _clean(excerpt)


def test_the_delete_confirmation_quotes_plain_text(people: People, web: Personas) -> None:
    first = _posted(people)
    html = web.facilitator.get(reverse("message-delete",
                                       args=[people.space.slug, first.message.pk])).content
    quote = html.decode().split('class="confirm-quote">')[1].split("</blockquote>")[0]
    assert quote == "Voici le plan des parcs pour @Marc Membre, urgent : carte"


def test_the_digest_excerpt_is_plain(people: People, smtp_server: Mailbox) -> None:
    _posted(people)
    send_weekly([people.other_member.pk])
    [message] = smtp_server.wait_for(1)
    assert "Voici le plan des parcs pour @Marc Membre, urgent : carte" in text_of(message)
    _clean(text_of(message).split("Parcs inclusifs", 1)[1].split("\n\n")[0])
    assert "**" not in html_of(message)


def test_the_notification_excerpt_is_plain(people: People, smtp_server: Mailbox) -> None:
    _posted(people)
    notifications.collect()
    notifications.send_due()
    [message] = smtp_server.wait_for(1)
    assert "Voici le plan des parcs pour @Marc Membre, urgent : carte" in text_of(message)
    assert "**" not in text_of(message) + html_of(message)
