"""Pages tell namesakes of a space apart: the thread's author lines and the members list show
what distinguishes two people of exactly the same name (organisation, else member number)."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from communities.services.discussion import post_message, start_thread
from tests.clients import Personas
from tests.communities.test_namesakes import twin_of
from tests.conftest import People

pytestmark = pytest.mark.django_db


def test_the_thread_page_tells_two_authors_of_the_same_name_apart(web: Personas,
                                                                  people: People) -> None:
    twin = twin_of(people)
    thread = start_thread(actor=people.member, space=people.space, title="Parcs",
                          body="Vos exemples ?").thread
    post_message(actor=twin, thread=thread, body="Voici les nôtres.")
    page = html.unescape(web.other_member.get(reverse("thread", args=["rma", thread.pk]))
                         .content.decode())
    assert page.count('data-slot="author">Marc Membre</strong>') == 2
    assert '<span class="muted" data-slot="organisation"> · Ville de Laval</span>' in page
    assert (f'<span class="muted" data-slot="organisation"> · membre n° {twin.pk}</span>'
            in page)
    assert "Fil lancé par Marc Membre (Ville de Laval)" in page
    assert "autre.marc" not in page


def test_the_members_page_tells_namesakes_apart(web: Personas, people: People) -> None:
    twin = twin_of(people)
    page = html.unescape(web.other_member.get(reverse("members", args=["rma"]))
                         .content.decode())
    assert "Marc Membre (Ville de Laval)" in page
    assert f"Marc Membre (membre n° {twin.pk})" in page
    assert "autre.marc" not in page
