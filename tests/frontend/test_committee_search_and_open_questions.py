"""Search names a committee's result with its space and never shows committee content to a
member outside it; the facilitators' view of the space (its side card) and the space's
questions page list unanswered questions oldest first, and plain members do not get the
facilitators' card."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from communities.models import Thread
from communities.services.committees import create_committee
from communities.services.discussion import start_thread
from tests.queries import queries_of


def _committee_thread(people):
    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité de planification", members=[people.member.pk])
    start_thread(actor=people.facilitator, space=committee, title="Budget de l'automne",
                 body="Les subventions municipales couvrent la location de la salle.")
    return committee


def test_a_committee_result_is_named_with_its_space(people, web):
    _committee_thread(people)
    page = web.member.get(reverse("search") + "?q=subventions").content.decode()
    assert "Budget de l&#x27;automne" in page
    assert "Comité de planification (Réseau Municipalités accessibles)" in page


def test_a_member_outside_the_committee_finds_nothing_of_it(people, web):
    _committee_thread(people)
    page = web.other_member.get(reverse("search") + "?q=subventions").content.decode()
    assert "Budget" not in page and "planification" not in page


def test_committee_results_cost_no_query_each(people, web):
    committee = _committee_thread(people)
    url = reverse("search") + "?q=subventions"
    web.member.get(url)
    one = queries_of(lambda: web.member.get(url))
    for n in range(3):
        start_thread(actor=people.facilitator, space=committee, title=f"Suivi {n}",
                     body="Encore des subventions à demander.")
    assert queries_of(lambda: web.member.get(url)) == one


def _three_questions(people):
    titles = ["Question récente", "Question ancienne", "Question du milieu"]
    ages = [1, 30, 10]
    for title, days in zip(titles, ages, strict=True):
        thread = start_thread(actor=people.member, space=people.space, title=title,
                              body="Qui sait ?", is_question=True).thread
        Thread.objects.filter(pk=thread.pk).update(
            created_at=timezone.now() - timedelta(days=days))
    return ["Question ancienne", "Question du milieu", "Question récente"]


def _order(html: str, titles: list[str]) -> list[str]:
    return sorted(titles, key=html.index)


def test_the_facilitators_view_lists_unanswered_questions_oldest_first(people, web):
    expected = _three_questions(people)
    page = web.facilitator.get(reverse("space", args=["rma"])).content.decode()
    card = page.split('id="unanswered-heading"', 1)[1].split("</section>", 1)[0]
    assert _order(card, expected) == expected
    member_page = web.other_member.get(reverse("space", args=["rma"])).content.decode()
    assert 'id="unanswered-heading"' not in member_page


def test_the_questions_page_lists_them_oldest_first(people, web):
    expected = _three_questions(people)
    page = web.other_member.get(reverse("questions", args=["rma"])).content.decode()
    main = page.split("<main", 1)[1]
    assert _order(main, expected) == expected
