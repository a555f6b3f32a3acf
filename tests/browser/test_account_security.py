"""The account security pages in real Chromium at 320 px wide: nothing scrolls sideways,
axe-core finds nothing, a token is revoked and a password refused without JavaScript's help,
and a locked-out sign-in gets a page of the product."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import ApiToken
from communities.secrets import new_secret
from tests.browser.conftest import (
    SCREENSHOTS,
    WAIT_MS,
    assert_accessible,
    new_page,
    sign_in,
)
from tests.conftest import People

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(180)]

NARROW = {"width": 320, "height": 720}


def fits(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_security_pages_at_320_px(people: People, server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    for label in ("Script du rapport annuel des municipalités accessibles", ""):
        ApiToken.objects.create(user=people.member, key_hash=new_secret()[1], label=label)
    page = new_page(browser, server, viewport=NARROW)
    sign_in(page, people.member.email)

    page.goto(reverse("account-security"))
    expect(page.get_by_role("heading", name="Jetons d'API")).to_be_visible()
    assert fits(page)
    assert_accessible(page, "security")
    page.screenshot(path=str(SCREENSHOTS / "account-security-320.png"), full_page=True)

    page.get_by_role("button", name=re.compile("Révoquer Script du rapport")).click()
    expect(page.get_by_role("status")).to_contain_text("Le jeton est révoqué", timeout=WAIT_MS)
    expect(page.get_by_text("Script du rapport annuel")).to_have_count(0)
    assert ApiToken.objects.filter(user=people.member).count() == 1

    page.get_by_role("link", name="Changer mon mot de passe").click()
    page.get_by_label("Ancien mot de passe").fill("pas-le-bon")
    page.get_by_label(re.compile(r"^Nouveau mot de passe")).fill("un-tout-nouveau-secret-2027")
    page.get_by_label("Confirmation du nouveau mot de passe").fill(
        "un-tout-nouveau-secret-2027")
    page.get_by_role("button", name="Changer mon mot de passe").click()
    expect(page.get_by_text("Votre ancien mot de passe est incorrect")).to_be_visible(
        timeout=WAIT_MS)
    assert fits(page)
    assert_accessible(page, "password change with an error")
    page.screenshot(path=str(SCREENSHOTS / "account-password-320.png"), full_page=True)


def test_the_lockout_page_at_320_px(people: People, server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from axes.models import AccessAttempt
    from django.conf import settings
    from playwright.sync_api import expect

    AccessAttempt.objects.create(
        username=people.member.email, ip_address="127.0.0.1", user_agent="", get_data="",
        post_data="", http_accept="", path_info="/connexion/",
        failures_since_start=settings.AXES_FAILURE_LIMIT, attempt_time=timezone.now())
    page = new_page(browser, server, viewport=NARROW)
    page.goto(reverse("login"))
    page.get_by_label("Courriel").fill(people.member.email)
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide-42")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Connexion suspendue")).to_be_visible(
        timeout=WAIT_MS)
    expect(page.get_by_role("alert")).to_contain_text("réessayez dans 15 minutes")
    assert fits(page)
    assert_accessible(page, "lockout")
    page.screenshot(path=str(SCREENSHOTS / "login-locked-320.png"), full_page=True)
