"""The list of my spaces and a space's page: its threads by latest activity, pinned first,
with unread badges, and the form that starts a thread."""

from __future__ import annotations

import re

from django.urls import reverse

from communities.models import Event, Thread
from communities.services.discussion import post_message, start_thread
from tests.clients import Personas
from tests.conftest import People
from tests.frontend.helpers import thread_page


def test_my_spaces_lists_role_and_link_and_the_description_moves_to_the_space(
        web: Personas, people: People) -> None:
    response = web.facilitator.get(reverse("my-spaces"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Réseau Municipalités accessibles" in html
    assert "Animation" in html or "animation" in html
    assert reverse("space", args=["rma"]) in html
    # The home page says what is new; what a space is about is on the space's page.
    assert "accessibilité universelle" not in html
    space_page = web.facilitator.get(reverse("space", args=["rma"])).content.decode()
    assert "À propos" in space_page and "accessibilité universelle" in space_page


def test_space_page_lists_threads_by_latest_activity(
        web: Personas, people: People, answered_thread: Thread) -> None:
    older = start_thread(actor=people.member, space=people.space, title="Trottoirs",
                         body="Hiver").thread
    post_message(actor=people.member, thread=answered_thread, body="Relance")
    response = web.member.get(reverse("space", args=["rma"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Bancs accessibles") < html.index(older.title)
    assert "3 messages" in html and "Marc Membre" in html
    config = re.search(r'<script id="live-config" type="application/json">(.*?)</script>', html)
    assert config is not None and f'"after": {people.space.event_head}' in config.group(1)
    assert 'aria-live="polite"' in html
    assert 'name="title"' in html and 'name="body"' in html


def test_space_page_shows_unread_badges_pinned_first(
        web: Personas, people: People, thread: Thread) -> None:
    later = start_thread(actor=people.other_member, space=people.space, title="Trottoirs",
                         body="Déneigement ?").thread
    post_message(actor=people.facilitator, thread=later, body="Bonne question")
    post_message(actor=people.facilitator, thread=thread, body="Voici un guide")
    post_message(actor=people.other_member, thread=thread, body="Et un autre")
    client = web.member
    html = client.get(reverse("space", args=["rma"])).content.decode()
    assert "2 non lus" in html  # two by others in each thread; Marc's own opener not counted
    assert html.index("Bancs accessibles") < html.index("Trottoirs")  # latest activity
    web.facilitator.post(reverse("thread-pin", args=["rma", later.pk]),
                                        {"pinned": "1"})
    html = client.get(reverse("space", args=["rma"])).content.decode()
    assert html.index("Trottoirs") < html.index("Bancs accessibles")
    assert "Épinglé" in html
    # Opening the thread reads it: its badge goes.
    thread_page(client, thread)
    html = client.get(reverse("space", args=["rma"])).content.decode()
    item = html[html.index(f'id="thread-{thread.pk}"'):]
    item = item[:item.index("</li>")]
    assert 'data-unread="0"' in item and "hidden" in item


def test_new_thread_form_creates_thread_and_event(web: Personas, people: People) -> None:
    response = web.member.post(
        reverse("space", args=["rma"]), {"title": "Parcs inclusifs", "body": "Des **idées** ?"})
    created = Thread.objects.get(title="Parcs inclusifs")
    assert response.status_code == 302
    assert response["Location"] == reverse("thread", args=["rma", created.pk])
    assert created.messages.get().html == "<p>Des <strong>idées</strong> ?</p>"
    assert Event.objects.filter(space=people.space, kind="thread.created").count() == 1
    follow = web.member.get(response["Location"])
    assert follow.status_code == 200


def test_thread_without_title_keeps_the_body(web: Personas, people: People) -> None:
    response = web.member.post(
        reverse("space", args=["rma"]), {"title": "", "body": "Mon texte précieux"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Donnez un titre au fil de discussion." in html
    assert "Mon texte précieux" in html
    assert not Thread.objects.exists()
