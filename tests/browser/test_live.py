"""End to end in a real browser: two people on the same thread, one posts, the other sees the
message arrive and hears it announced, without reloading. Then axe-core checks every page.

Runs a real daphne on the test database (SQLite file or PostgreSQL) and, when REDIS_URL is
set, Redis; Debian's Chromium is driven by Playwright. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from communities.services.discussion import start_thread
from communities.services.spaces import invite_member
from tests.browser.conftest import (
    SCREENSHOTS,
    WAIT_MS,
    assert_accessible,
    sign_in,
)
from tests.conftest import People

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reply_appears_live_and_every_page_passes_axe(people: People, server: str,  # type: ignore[no-untyped-def]
                                                        browser) -> None:
    from playwright.sync_api import expect

    thread = start_thread(actor=people.facilitator, space=people.space,
                          title="Aménagement des parcs",
                          body="Bonjour à toutes et à tous !\n\nQuels **aménagements** "
                               "avez-vous faits cette année ?").thread
    token = invite_member(actor=people.facilitator, space=people.space,
                          email="nadia@exemple.qc.ca").token
    thread_path = reverse("thread", args=[people.space.slug, thread.pk])

    facilitator = browser.new_context(base_url=server, locale="fr-CA").new_page()
    member = browser.new_context(base_url=server, locale="fr-CA").new_page()
    sign_in(facilitator, people.facilitator.email)
    sign_in(member, people.member.email)
    for page in (facilitator, member):
        page.goto(thread_path)
        expect(page.locator("[data-live-status]")).to_have_text(
            "Mises à jour en direct actives.", timeout=WAIT_MS)
    facilitator.evaluate("window.__notReloaded = true")

    composer = member.get_by_label("Votre réponse")
    composer.press_sequentially("Nous avons ajouté des ")
    composer.press("Control+i")
    composer.press_sequentially("bancs")
    composer.press("Control+i")
    composer.press_sequentially(" adaptés.")
    member.get_by_role("button", name="Publier la réponse").click()
    # Posted in place: the composer empties and the page stays.
    expect(composer).to_have_text("")

    arrived = facilitator.locator(".message").last
    expect(arrived).to_contain_text("Nous avons ajouté des bancs adaptés.",
                                    timeout=WAIT_MS)
    expect(arrived.locator("em")).to_have_text("bancs")
    expect(arrived).to_contain_text("Marc Membre")
    expect(facilitator.locator("[aria-live=polite][data-live-region]")).to_contain_text(
        "Nouveau message de Marc Membre")
    assert facilitator.evaluate("window.__notReloaded") is True
    assert facilitator.locator(".message").count() == 2

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    facilitator.screenshot(path=str(SCREENSHOTS / "thread.png"), full_page=True)

    # On the space page a new thread is inserted at the top of the list.
    member.goto(reverse("space", args=["rma"]))
    expect(member.locator("[data-live-status]")).to_have_text(
        "Mises à jour en direct actives.", timeout=WAIT_MS)
    facilitator.goto(reverse("space", args=["rma"]))
    facilitator.get_by_label("Titre").fill("Déneigement des trottoirs")
    facilitator.get_by_label("Premier message").fill("Vos pratiques ?")
    facilitator.get_by_role("button", name="Publier le fil").click()
    expect(member.locator(".thread-item").first).to_contain_text(
        "Déneigement des trottoirs", timeout=WAIT_MS)
    expect(member.locator("[data-live-region]")).to_contain_text(
        "Nouveau fil « Déneigement des trottoirs » lancé par Florence Animatrice")

    for path, name in [(reverse("my-spaces"), "mes espaces"),
                       (reverse("space", args=["rma"]), "espace"),
                       (thread_path, "fil"),
                       (reverse("members", args=["rma"]), "membres")]:
        facilitator.goto(path)
        assert_accessible(facilitator, name)
    facilitator.goto(reverse("space", args=["rma"]))
    facilitator.screenshot(path=str(SCREENSHOTS / "space.png"), full_page=True)
    facilitator.goto(reverse("members", args=["rma"]))
    facilitator.screenshot(path=str(SCREENSHOTS / "members.png"), full_page=True)

    visitor = browser.new_context(base_url=server, locale="fr-CA").new_page()
    visitor.goto(reverse("login"))
    assert_accessible(visitor, "connexion")
    visitor.goto(reverse("accept-invitation", args=[token]))
    assert_accessible(visitor, "invitation")
    visitor.get_by_role("button", name=re.compile("Créer mon compte")).click()
    expect(visitor.locator(".form-errors")).to_be_visible()
    assert_accessible(visitor, "invitation avec erreurs")
    visitor.screenshot(path=str(SCREENSHOTS / "invitation.png"), full_page=True)
    visitor.goto(reverse("accept-invitation", args=["lien-inconnu"]))
    assert_accessible(visitor, "invitation non valide")


def test_a_page_whose_space_answers_not_found_on_reconnect_says_access_ended(  # type: ignore[no-untyped-def]
        people: People, server: str, browser) -> None:
    """Removed while disconnected: the server answers the space this page shows as it answers
    an unknown slug (no probing), and the page must say access ended rather than retry."""
    from playwright.sync_api import expect

    from communities.models import Membership

    member = browser.new_context(base_url=server, locale="fr-CA").new_page()
    sign_in(member, people.member.email)
    member.goto(reverse("space", args=["rma"]))
    status = member.locator("[data-live-status]")
    expect(status).to_have_text("Mises à jour en direct actives.", timeout=WAIT_MS)
    # The page's own "left and came back from the back/forward cache" path: the socket
    # closes, and reopens with the same subscriptions.
    member.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide'))")
    Membership.objects.filter(user=people.member, space=people.space).delete()
    member.evaluate(
        "window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    expect(status).to_have_text("Vous ne faites plus partie de cet espace.",
                                timeout=WAIT_MS)
