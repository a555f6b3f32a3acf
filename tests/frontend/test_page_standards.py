"""What every page owes: a strict Content-Security-Policy with no inline code, and the
landmarks, skip link and single h1 that screen-reader users navigate by (WCAG 2.2 AA)."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from communities.models import Thread
from communities.services.reactions import EMOJI, toggle_reaction
from tests.clients import Personas
from tests.conftest import People
from tests.frontend.helpers import first, page_urls


def test_every_page_has_a_strict_csp(
        web: Personas, people: People, thread: Thread, token: str) -> None:
    client = web.member
    urls = [*page_urls(people, thread), reverse("leave-space", args=["rma"])]
    responses = [client.get(url) for url in urls]
    responses += [Client().get(reverse("login")),
                  Client().get(reverse("accept-invitation", args=[token]))]
    for response in responses:
        policy = response["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
        assert directives["frame-ancestors"] == "'none'"
        assert "ws://testserver" in directives["connect-src"]
        html = response.content.decode()
        # No inline code: every <script> is external or a JSON data block, no on* handlers.
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"\son[a-z]+\s*=", html)


def test_pages_have_landmarks_skip_link_and_one_h1(
        web: Personas, people: People, thread: Thread) -> None:
    client = web.facilitator
    for url in page_urls(people, thread):
        html = client.get(url).content.decode()
        assert '<html lang="fr-ca">' in html
        assert 'href="#contenu"' in html and '<main id="contenu"' in html
        assert "<header" in html and "<nav" in html and "<footer" in html
        assert html.count("<h1") == 1, url
        assert reverse("set_language") in html


def test_conversation_pages_carry_no_inline_code(
        web: Personas, people: People, thread: Thread) -> None:
    message = first(thread)
    toggle_reaction(actor=people.other_member, message=message, emoji=EMOJI[0])
    client = web.member
    urls = [reverse("thread", args=["rma", thread.pk]),
            reverse("message-edit", args=["rma", message.pk]),
            reverse("message-delete", args=["rma", message.pk]),
            reverse("message-history", args=["rma", message.pk]),
            reverse("thread-rename", args=["rma", thread.pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response["Content-Security-Policy"]
        html = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"\son[a-z]+\s*=", html), url
    # What live.js needs comes as data: who I am, my stream's head, the message skeleton.
    html = client.get(urls[0]).content.decode()
    assert '<template id="message-template">' in html
    assert f'"me": {{"id": {people.member.pk}' in html and '"moderator": false' in html
    assert 'id="mention-members"' in html and "Noémie Membre" in html
