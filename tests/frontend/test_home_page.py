"""The home page, "Quoi de neuf": unread per space, mentions, upcoming meetings with one-tap
answers, polls awaiting me, new documents; the tab title carries my unread count; its cost
does not grow with the spaces' history."""

from __future__ import annotations

import re

from django.test import TestCase
from django.urls import reverse

from communities.models import Membership, Role, Space
from communities.services.discussion import post_message, start_thread
from meetings.models import Rsvp
from tests.clients import Personas, client_for
from tests.conftest import People
from tests.inbox.conftest import schedule
from tests.queries import count_queries


def test_home_shows_unread_mentions_and_the_tab_title_count(web: Personas,
                                                            people: People) -> None:
    opened = start_thread(actor=people.facilitator, space=people.space, title="Programme",
                          body="Bonjour")
    with TestCase.captureOnCommitCallbacks(execute=True):
        post_message(actor=people.other_member, thread=opened.thread,
                     body="Qu'en pense @**Marc Membre** ? **Vite**")
    html = web.member.get(reverse("my-spaces")).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None
    assert title.group(1).strip() == "(2) Quoi de neuf — Espace MUNI"
    assert re.search(r'<span class="badge badge-unread" data-unread-space="rma">Non lus : '
                     r'<span data-count>2</span>', html)
    assert 'data-mentions-space="rma">1<' in html
    assert "Programme" in html
    # The mention's words without their Markdown.
    assert "Qu&#x27;en pense @Marc Membre ? Vite" in html
    assert 'data-inbox-count="1"' in html


def test_a_space_with_nothing_unread_hides_its_zero_badge(web: Personas,
                                                         people: People) -> None:
    """"Vous avez tout lu ici." says it; a "Non lus : 0" badge beside it would only be noise.
    The badge stays in the page, hidden, so a live post can show it."""
    start_thread(actor=people.member, space=people.space, title="Le mien", body="Lu, forcément")
    html = web.member.get(reverse("my-spaces")).content.decode()
    assert "Vous avez tout lu ici." in html
    badge = re.search(r'<span class="badge badge-unread"( hidden)? data-unread-space="rma">'
                      r'Non lus : <span data-count>(\d+)</span>', html)
    assert badge is not None and badge.groups() == (" hidden", "0")


def test_one_tap_rsvp_from_home_answers_and_comes_back(web: Personas, people: People) -> None:
    meeting = schedule(people)
    html = web.member.get(reverse("my-spaces")).content.decode()
    assert reverse("home-rsvp", args=[meeting.pk]) in html
    response = web.member.post(reverse("home-rsvp", args=[meeting.pk]), {"answer": "maybe"})
    assert response.status_code == 302
    assert response["Location"] == reverse("my-spaces") + f"#rencontre-{meeting.pk}"
    assert Rsvp.objects.get(meeting=meeting, user=people.member).answer == "maybe"
    page = web.member.get(reverse("my-spaces")).content.decode()
    assert 'value="maybe" class="button" aria-pressed="true"' in page


def test_a_bad_answer_or_someone_elses_meeting_is_refused_clearly(web: Personas,
                                                                  people: People) -> None:
    meeting = schedule(people)
    response = web.member.post(reverse("home-rsvp", args=[meeting.pk]), {"answer": "bof"},
                               follow=True)
    assert "Réponse inconnue" in response.content.decode()
    assert web.outsider.post(reverse("home-rsvp", args=[meeting.pk]),
                             {"answer": "yes"}).status_code == 404


def test_home_costs_the_same_queries_for_one_space_or_six_busy_ones(people: People) -> None:
    client = client_for(people.member)
    client.get(reverse("my-spaces"))
    with count_queries() as one:
        client.get(reverse("my-spaces"))
    for n in range(5):
        space = Space.objects.create(slug=f"espace-{n}", name=f"Espace {n}")
        Membership.objects.create(space=space, user=people.member, role=Role.MEMBER)
        Membership.objects.create(space=space, user=people.other_member, role=Role.MEMBER)
        thread = start_thread(actor=people.other_member, space=space, title=f"Fil {n}",
                              body="Bonjour").thread
        for k in range(3):
            post_message(actor=people.other_member, thread=thread, body=f"Message {k}")
    with count_queries(at_most=16) as six:
        html = client.get(reverse("my-spaces")).content.decode()
    assert len(six) == len(one)
    assert html.count("data-home-space=") == 6
