"""In Chromium: a facilitator creates a committee with two members of the space, who then
converse in it live (two browsers, no reload); a member marks the reply that answers their
question. Every page of the journey passes axe-core on a phone (390×844) and a desktop
(1366×768)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.models import Space
from communities.services.discussion import post_message, start_thread
from tests.browser.conftest import (
    SCREENSHOTS,
    WAIT_MS,
    assert_accessible,
    new_page,
    open_live,
    sign_in,
)
from tests.conftest import People

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 768}}


def test_a_committee_is_created_and_its_members_converse_live(people: People, browser,
                                                              server: str) -> None:
    from playwright.sync_api import expect

    facilitator = new_page(browser, server, viewport=SIZES["desktop"])
    sign_in(facilitator, people.facilitator.email)
    facilitator.goto(reverse("committees", args=["rma"]))
    assert_accessible(facilitator, "committees, empty")
    facilitator.get_by_role("textbox", name="Nom du comité").fill("Comité de planification")
    facilitator.get_by_label("Marc Membre").check()
    facilitator.get_by_label("Noémie Membre").check()
    facilitator.get_by_role("button", name="Créer le comité").click()
    expect(facilitator.locator(".flash")).to_contain_text(
        "Le comité « Comité de planification » est créé.")
    expect(facilitator.get_by_role("heading", level=2, name="3 membres")).to_be_visible()
    assert_accessible(facilitator, "committee management")
    committee = Space.objects.get(parent=people.space)

    thread = start_thread(actor=people.member, space=committee, title="Ordre du jour",
                          body="Trois points pour l'automne ?").thread
    thread_path = reverse("thread", args=[committee.slug, thread.pk])
    marc = new_page(browser, server, viewport=SIZES["phone"])
    noemie = new_page(browser, server, viewport=SIZES["desktop"])
    sign_in(marc, people.member.email)
    sign_in(noemie, people.other_member.email)
    for page in (marc, noemie):
        open_live(page, thread_path)
    marc.evaluate("window.__notReloaded = true")
    noemie.get_by_label("Votre réponse").fill("D'accord, et un tour de table au début.")
    noemie.get_by_role("button", name="Publier la réponse").click()
    arrived = marc.locator(".message").last
    expect(arrived).to_contain_text("un tour de table au début", timeout=WAIT_MS)
    expect(arrived).to_contain_text("Noémie Membre")
    assert marc.evaluate("window.__notReloaded") is True

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    marc.screenshot(path=str(SCREENSHOTS / "committee-thread-phone.png"), full_page=True)
    for name, size in SIZES.items():
        marc.set_viewport_size(size)
        marc.goto(reverse("my-spaces"))
        expect(marc.locator(".committee-sublist")).to_contain_text("Comité de planification")
        assert_accessible(marc, f"my spaces with a committee ({name})")
        marc.goto(reverse("space", args=[committee.slug]))
        expect(marc.get_by_text("Comité privé de l'espace")).to_be_visible()
        assert_accessible(marc, f"committee page ({name})")
        marc.goto(thread_path)
        assert_accessible(marc, f"committee thread ({name})")
    for name, size in SIZES.items():
        facilitator.set_viewport_size(size)
        facilitator.goto(reverse("committee-manage", args=["rma", committee.slug]))
        assert_accessible(facilitator, f"committee management ({name})")
        facilitator.goto(reverse("committees", args=["rma"]))
        assert_accessible(facilitator, f"committees list ({name})")
    facilitator.set_viewport_size(SIZES["phone"])
    facilitator.screenshot(path=str(SCREENSHOTS / "committees-phone.png"), full_page=True)


def test_the_asker_marks_an_answer_and_it_comes_first(people: People, browser,
                                                      server: str) -> None:
    from playwright.sync_api import expect

    question = start_thread(actor=people.member, space=people.space,
                            title="Abribus accessibles",
                            body="Quel modèle d'abribus avez-vous choisi ?",
                            is_question=True).thread
    post_message(actor=people.other_member, thread=question,
                 body="Le modèle à rampe intégrée, très apprécié.")
    marc = new_page(browser, server, viewport=SIZES["phone"])
    sign_in(marc, people.member.email)
    marc.goto(reverse("questions", args=["rma"]))
    expect(marc.get_by_role("link", name="Abribus accessibles")).to_be_visible()
    assert_accessible(marc, "unanswered questions (phone)")
    noemie = new_page(browser, server, viewport=SIZES["desktop"])
    sign_in(noemie, people.other_member.email)
    open_live(noemie, reverse("thread", args=["rma", question.pk]))
    marc.get_by_role("link", name="Abribus accessibles").click()
    expect(marc.locator("#reponse-acceptee")).to_contain_text("Aucune réponse marquée")
    marc.get_by_role("button", name="Marquer comme réponse").click()
    expect(marc.locator(".flash")).to_contain_text("Cette réponse est marquée")
    # Noémie, reading the same question, is told without reloading.
    expect(noemie.locator("[data-answer-changed]")).to_contain_text(
        "La réponse acceptée de cette question vient de changer.", timeout=WAIT_MS)
    assert_accessible(noemie, "question whose answer changed live")
    answer = marc.locator("#reponse-acceptee")
    expect(answer).to_contain_text("Le modèle à rampe intégrée")
    expect(answer).to_contain_text("Noémie Membre")
    expect(marc.get_by_role("button", name="Retirer la marque de réponse")).to_be_visible()
    for name, size in SIZES.items():
        marc.set_viewport_size(size)
        assert_accessible(marc, f"answered question ({name})")
    marc.screenshot(path=str(SCREENSHOTS / "answered-question.png"), full_page=True)
    marc.goto(reverse("search") + "?q=rampe")
    expect(marc.get_by_text("Réponse acceptée")).to_be_visible()
    assert_accessible(marc, "search with an accepted answer")
