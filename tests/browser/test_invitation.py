"""A forwarded invitation link, in a real browser: the wrong account is told and switches."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from communities.models import Membership
from communities.services.spaces import invite_member
from tests.browser.conftest import PASSWORD, assert_accessible, new_page, sign_in
from tests.conftest import People, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signed_in_elsewhere_the_person_switches_to_the_invited_account(
        people: People, server: str, browser: object) -> None:
    from playwright.sync_api import expect

    nadia = make_user("nadia@exemple.qc.ca", "Nadia Nouvelle")
    hasher = PBKDF2PasswordHasher()
    nadia.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    nadia.save(update_fields=["password"])
    token = invite_member(actor=people.facilitator, space=people.space,
                          email=nadia.email).token
    link = reverse("accept-invitation", args=[token])

    page = new_page(browser, server)
    sign_in(page, people.outsider.email)
    page.goto(link)
    expect(page.get_by_text("Cette invitation a été envoyée à une autre adresse")).to_be_visible()
    expect(page.get_by_text("n•••@exemple.qc.ca", exact=False)).to_be_visible()
    assert_accessible(page, "invitation pour une autre adresse")

    page.get_by_role("button", name="Me déconnecter et me connecter avec le bon compte").click()
    page.wait_for_url(re.compile(r"/connexion/\?next="))
    page.get_by_label("Courriel").fill(nadia.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(re.escape(link) + "$"))
    page.get_by_role("button", name="Accepter").click()
    page.wait_for_url(re.compile(reverse("space", args=[people.space.slug]) + "$"))
    assert Membership.objects.filter(user=nadia, space=people.space).exists()
    assert not Membership.objects.filter(user=people.outsider, space=people.space).exists()
