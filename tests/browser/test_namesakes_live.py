"""In a real browser: a message that arrives live from one of two people of the same name
carries what tells them apart (member number here, as the page would show after a reload),
and the online list shows each with their label."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from communities.models import User
from communities.services.discussion import start_thread
from tests.browser.conftest import PASSWORD, WAIT_MS, sign_in
from tests.communities.test_namesakes import twin_of
from tests.conftest import People

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_live_message_from_a_namesake_shows_what_tells_them_apart(people: People, server: str,  # type: ignore[no-untyped-def]
                                                                    browser) -> None:
    from playwright.sync_api import expect

    twin = twin_of(people)
    # Created after the server started: give it the hash the server process can check.
    hasher = PBKDF2PasswordHasher()
    User.objects.filter(pk=twin.pk).update(
        password=hasher.encode(PASSWORD, hasher.salt(), iterations=1000))
    thread = start_thread(actor=people.member, space=people.space, title="Parcs",
                          body="Vos exemples ?").thread
    thread_path = reverse("thread", args=[people.space.slug, thread.pk])
    reader = browser.new_context(base_url=server, locale="fr-CA").new_page()
    writer = browser.new_context(base_url=server, locale="fr-CA").new_page()
    sign_in(reader, people.other_member.email)
    sign_in(writer, twin.email)
    for page in (writer, reader):
        page.goto(reverse("space", args=[people.space.slug]))
        expect(page.locator("[data-live-status]")).to_have_text(
            "Mises à jour en direct actives.", timeout=WAIT_MS)
    expect(reader.locator("[data-online]")).to_contain_text(
        f"Marc Membre (membre n° {twin.pk})", timeout=WAIT_MS)
    for page in (reader, writer):
        page.goto(thread_path)
        expect(page.locator("[data-live-status]")).to_have_text(
            "Mises à jour en direct actives.", timeout=WAIT_MS)

    writer.get_by_label("Votre réponse").fill("Voici les nôtres.")
    writer.get_by_role("button", name="Publier la réponse").click()
    arrived = reader.locator(".message").last
    expect(arrived).to_contain_text("Voici les nôtres.", timeout=WAIT_MS)
    expect(arrived.locator("[data-slot=author]")).to_have_text("Marc Membre")
    expect(arrived.locator("[data-slot=organisation]")).to_have_text(
        f" · membre n° {twin.pk}")
    expect(reader.locator(".message").first.locator("[data-slot=organisation]")
           ).to_have_text(" · Ville de Laval")
