"""A mention is words in the text: ``@space`` or ``@**Name**`` inside a link's address or
title, or in code, is part of that link or code, never a mention that cuts it short."""

from __future__ import annotations

import pytest

from communities.services.discussion import post_message, start_thread
from communities.services.moderation import edit_message
from tests.events_helper import verify_action

SAFE_REL = 'rel="nofollow noopener noreferrer"'


@pytest.fixture
def thread(people):
    return start_thread(actor=people.member, space=people.space, title="Liens",
                        body="Des adresses utiles ?").thread


def test_at_space_in_a_link_address_keeps_the_link_whole_and_notifies_nobody(people, thread):
    posted, _events = verify_action(
        lambda: post_message(actor=people.facilitator, thread=thread,
                             body="[a](https://x.example/?q=@space)"),
        kinds=["message.created"])
    assert posted.message.html == (
        f'<p><a href="https://x.example/?q=@space" {SAFE_REL}>a</a></p>')


def test_at_space_in_a_link_title_keeps_the_title_and_the_rel(people, thread):
    posted, _events = verify_action(
        lambda: post_message(actor=people.facilitator, thread=thread,
                             body='[b](https://x.example "@space")'),
        kinds=["message.created"])
    assert posted.message.html == (
        f'<p><a href="https://x.example" title="@space" {SAFE_REL}>b</a></p>')


def test_a_named_member_in_a_link_title_is_not_mentioned(people, thread):
    posted, _events = verify_action(
        lambda: post_message(actor=people.member, thread=thread,
                             body='[b](https://x.example "@**Noémie Membre**") et `@space`'),
        kinds=["message.created"])
    assert "mention" not in posted.message.html
    assert 'title="@**Noémie Membre**"' in posted.message.html


def test_at_space_in_the_text_beside_a_link_is_still_marked_once(people, thread):
    posted, events = verify_action(
        lambda: post_message(actor=people.facilitator, thread=thread,
                             body="Rappel @space : [ordre du jour](https://x.example/?q=@space)"),
        kinds=["message.created", "mention.created", "mention.created"])
    assert posted.message.html == (
        '<p>Rappel <span class="mention mention-all">@space</span> : '
        f'<a href="https://x.example/?q=@space" {SAFE_REL}>ordre du jour</a></p>')
    assert {e.owner_id for e in events[1:]} == {people.member.pk, people.other_member.pk}


def test_an_edit_reads_mentions_the_same_way(people, thread):
    posted = post_message(actor=people.facilitator, thread=thread, body="Voir plus bas")
    edited = edit_message(actor=people.facilitator, message=posted.message,
                          body='[b](https://x.example/@space "@space")')
    assert edited.html == (
        f'<p><a href="https://x.example/@space" title="@space" {SAFE_REL}>b</a></p>')
