"""Profiles and the directory in Chromium, at phone and desktop sizes: a member edits their
profile with a photo and sees it; another finds them in the directory by a name typed without
accents and by filters. Every page is checked with axe-core."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from communities.models import ExpertiseTag, MemberKind
from communities.services.profiles import ProfileInput, update_profile
from tests.browser.conftest import SCREENSHOTS, assert_accessible, new_page, sign_in
from tests.communities.test_profile_photos import photo_with_gps
from tests.conftest import People

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone-320": {"width": 320, "height": 640},
             "phone-390": {"width": 390, "height": 844},
             "desktop": {"width": 1366, "height": 768}}


WIDER_THAN_VIEW = """() => [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
    .map(el => el.tagName + '.' + el.className + '#' + el.id).slice(0, 8)"""


def _no_horizontal_scroll(page) -> None:  # type: ignore[no-untyped-def]
    """Reflow (WCAG 1.4.10): nothing wider than the window at 320 px."""
    assert page.evaluate(WIDER_THAN_VIEW) == []


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_a_member_edits_their_profile_with_a_photo(people: People, server: str,
                                                   browser: object, size: str) -> None:
    from playwright.sync_api import expect

    ExpertiseTag.objects.create(name="Accessibilité universelle", listed=True)
    page = new_page(browser, server, viewport=VIEWPORTS[size])
    sign_in(page, people.member.email)
    page.goto(reverse("profile-edit"))
    assert_accessible(page, f"mon profil ({size})")
    _no_horizontal_scroll(page)
    page.get_by_label("Nom affiché").fill("Marc Bélanger")
    page.get_by_label("Type de membre").select_option("elected")
    page.get_by_label(re.compile(r"^Municipalité")).fill("Laval")
    page.get_by_label("Région administrative").select_option("13")
    page.get_by_label("Accessibilité universelle").check()
    page.get_by_label("Autres domaines d'expertise").fill("Déneigement, Parcs")
    page.get_by_label("Nouvelle photo").set_input_files(
        files=[{"name": "moi.jpg", "mimeType": "image/jpeg", "buffer": photo_with_gps()}])
    page.get_by_role("button", name="Enregistrer mon profil").click()
    page.wait_for_url(re.compile(reverse("profile", args=[people.member.pk]) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Marc Bélanger")
    expect(page.get_by_text("Votre profil est enregistré.")).to_be_visible()
    photo = page.locator("img.avatar-large")
    expect(photo).to_be_visible()
    assert page.evaluate("img => img.complete && img.naturalWidth", photo.element_handle()) == 512
    assert_accessible(page, f"profil ({size})")
    _no_horizontal_scroll(page)
    if size == "phone-320":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "profile-320.png"), full_page=True)


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_the_directory_finds_by_name_without_accents_and_filters(
        people: People, server: str, browser: object, size: str) -> None:
    from playwright.sync_api import expect

    update_profile(actor=people.member, user=people.member, data=ProfileInput(
        display_name="Marc Bélanger", organisation="Ville de Laval", region="13",
        kind=MemberKind.ELECTED, expertise=["Déneigement"]))
    update_profile(actor=people.other_member, user=people.other_member, data=ProfileInput(
        display_name="Noémie Membre", organisation="Ville de Gatineau", region="07",
        kind=MemberKind.MUNICIPAL_STAFF))
    page = new_page(browser, server, viewport=VIEWPORTS[size])
    sign_in(page, people.facilitator.email)
    page.goto(reverse("directory"))
    cards = page.locator(".person-card")
    expect(cards).to_have_count(3)
    assert_accessible(page, f"annuaire ({size})")
    _no_horizontal_scroll(page)
    page.get_by_label("Nom ou organisation").fill("belanger")
    page.get_by_role("button", name="Chercher des personnes").click()
    expect(cards).to_have_count(1)
    expect(cards.first.get_by_role("link", name="Marc Bélanger", exact=True)).to_be_visible()
    page.get_by_role("link", name="Tout afficher").click()
    expect(cards).to_have_count(3)
    page.get_by_label(re.compile(r"^Région")).select_option("07")
    page.get_by_role("button", name="Chercher des personnes").click()
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("Noémie Membre")
    page.goto(reverse("directory"))
    page.get_by_role("combobox", name=re.compile(r"^Expertise")).select_option(label="Déneigement")
    page.get_by_role("combobox", name=re.compile(r"^Type de membre")).select_option("elected")
    page.get_by_role("button", name="Chercher des personnes").click()
    expect(cards).to_have_count(1)
    assert_accessible(page, f"annuaire filtré ({size})")
    cards.first.get_by_role("link", name="Marc Bélanger", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Marc Bélanger")
    # A facilitator sees the address; the contact form is offered too.
    expect(page.get_by_role("link", name=people.member.email, exact=True)).to_be_visible()
    if size == "phone-320":
        page.goto(reverse("directory") + "?q=marc")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "directory-320.png"), full_page=True)


def test_the_invitation_sign_up_asks_the_profile_and_keeps_it_on_error(
        people: People, server: str, browser: object) -> None:
    from playwright.sync_api import expect

    from communities.models import User
    from communities.services.spaces import invite_member

    token = invite_member(actor=people.facilitator, space=people.space,
                          email="nadia@exemple.qc.ca").token
    page = new_page(browser, server, viewport=VIEWPORTS["phone-320"])
    page.goto(reverse("accept-invitation", args=[token]))
    assert_accessible(page, "inscription par invitation (320)")
    _no_horizontal_scroll(page)
    page.get_by_label(re.compile(r"^Nom affiché")).fill("Nadia Bélanger")
    page.get_by_label(re.compile(r"^Organisation ou municipalité")).fill("MRC de Memphrémagog")
    page.get_by_label(re.compile(r"^Municipalité")).fill("Magog")
    page.get_by_label(re.compile(r"^Type de membre")).select_option("partner")
    page.get_by_label(re.compile(r"^Mot de passe")).fill("un-mot-de-passe-solide-7")
    page.get_by_label(re.compile(r"^Confirmation")).fill("un-mot-de-passe-solide-7")
    page.get_by_role("button", name="Créer mon compte et rejoindre l'espace").click()
    # No region chosen: refused with what was typed kept.
    expect(page.get_by_label(re.compile(r"^Organisation ou municipalité"))).to_have_value(
        "MRC de Memphrémagog")
    expect(page.get_by_label(re.compile(r"^Type de membre"))).to_have_value("partner")
    assert_accessible(page, "inscription refusée (320)")
    page.get_by_label(re.compile(r"^Région administrative")).select_option("05")
    page.get_by_label(re.compile(r"^Mot de passe")).fill("un-mot-de-passe-solide-7")
    page.get_by_label(re.compile(r"^Confirmation")).fill("un-mot-de-passe-solide-7")
    page.get_by_role("button", name="Créer mon compte et rejoindre l'espace").click()
    page.wait_for_url(re.compile(reverse("space", args=["rma"]) + "$"))
    nadia = User.objects.get(email="nadia@exemple.qc.ca")
    assert (nadia.organisation, nadia.municipality, nadia.region, nadia.kind) == (
        "MRC de Memphrémagog", "Magog", "05", "partner")
