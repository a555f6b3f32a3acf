"""Signing in as a person does, in Chromium against a real server: a forgotten password reset
from the emailed link, a code read from the mail the server sent to our loopback SMTP server,
the organisation's account through a real OpenID Connect provider, and a new address
confirmed from the link sent to it after the password is asked again. Every page is checked
by axe-core on a phone (390×844) and on a laptop (1366×768)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from communities.models import User
from tests.browser.conftest import (
    PASSWORD,
    SCREENSHOTS,
    WAIT_MS,
    SharedChromium,
    assert_accessible,
)
from tests.conftest import People
from tests.servers import running_server
from tests.smtp import Mailbox
from tests.sso import PROVIDER_NAME, oidc_provider, provider_settings

pytestmark = [pytest.mark.browser, pytest.mark.postgres,
              pytest.mark.django_db(transaction=True), pytest.mark.timeout(240)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
NEW_PASSWORD = "un-tout-nouveau-secret-2027"


@pytest.fixture
def provider() -> Iterator[str]:
    with oidc_provider() as url:
        yield url


@pytest.fixture
def site(people: People, browser_ready: None, smtp_mailbox: Mailbox,
         provider: str) -> Iterator[str]:
    """Our server, sending its mail to the loopback SMTP server and offering the provider."""
    hasher = PBKDF2PasswordHasher()
    User.objects.update(password=hasher.encode(PASSWORD, hasher.salt(), iterations=1000))
    smtp_mailbox.clear()
    mail = {"SMTP_HOST": smtp_mailbox.host, "SMTP_PORT": str(smtp_mailbox.port),
            "SMTP_STARTTLS": "false", "SMTP_SSL": "false"}
    with running_server(redis_url=os.environ.get("REDIS_URL") or None,
                        extra_env={**mail, **provider_settings(provider)}) as process:
        yield process.http


@pytest.fixture
def chromium(site: str, shared_chromium: SharedChromium) -> Iterator[object]:
    with shared_chromium.in_test() as launched:
        yield launched


def pages(browser, site: str):  # type: ignore[no-untyped-def]
    """A phone and a laptop, each in a browser of its own."""
    return [browser.new_context(base_url=site, locale="fr-CA", viewport=size).new_page()
            for size in (PHONE, LAPTOP)]


def checked(page, name: str) -> None:  # type: ignore[no-untyped-def]
    size = page.viewport_size
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    assert_accessible(page, f"{name} at {size['width']}")
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{size['width']}.png"), full_page=True)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def last_mail_to(mailbox: Mailbox, address: str, count: int) -> EmailMessage:
    mailbox.wait_for(count, timeout=WAIT_MS / 1000)
    return mailbox.to(address)[-1]


def first_mail_to(mailbox: Mailbox, address: str) -> EmailMessage:
    deadline = time.monotonic() + WAIT_MS / 1000
    while not mailbox.to(address):
        assert time.monotonic() < deadline, f"no mail to {address}"
        time.sleep(0.05)
    return mailbox.to(address)[0]


def test_forgotten_password_then_reset_then_sign_in(people: People, site: str, chromium,
                                                    smtp_mailbox: Mailbox) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    for number, page in enumerate(pages(chromium, site), start=1):
        page.goto("/connexion/")
        checked(page, "sign-in")
        page.get_by_role("link", name="Mot de passe oublié ?").click()
        expect(page.get_by_role("heading", name="Mot de passe oublié")).to_be_visible()
        checked(page, "password-forgotten")
        page.get_by_label("Courriel").fill(people.member.email)
        page.get_by_role("button", name="Envoyer le lien").click()
        expect(page.get_by_role("heading", name="Vérifiez vos courriels")).to_be_visible(
            timeout=WAIT_MS)
        checked(page, "password-reset-sent")
        mail = last_mail_to(smtp_mailbox, people.member.email, 2 * number - 1)
        link = re.search(r"https?://\S+/mot-de-passe-oublie/cle/\S+", text_of(mail))
        assert link, text_of(mail)
        page.goto(link.group(0))
        expect(page.get_by_role("heading", name="Choisir un nouveau mot de passe")).to_be_visible()
        page.get_by_label("Nouveau mot de passe", exact=True).fill("12345678")
        page.get_by_label("Confirmation du nouveau mot de passe").fill("12345678")
        page.get_by_role("button", name="Enregistrer le mot de passe").click()
        expect(page.get_by_text("Ce mot de passe est entièrement numérique.")).to_be_visible(
            timeout=WAIT_MS)
        checked(page, "password-reset-refused")
        chosen = f"{NEW_PASSWORD}-{number}"
        page.get_by_label("Nouveau mot de passe", exact=True).fill(chosen)
        page.get_by_label("Confirmation du nouveau mot de passe").fill(chosen)
        page.get_by_role("button", name="Enregistrer le mot de passe").click()
        expect(page.get_by_role("heading", name="Mot de passe changé")).to_be_visible(
            timeout=WAIT_MS)
        page.goto(link.group(0))
        expect(page.get_by_role("heading", name="Lien expiré ou déjà utilisé")).to_be_visible(
            timeout=WAIT_MS)
        checked(page, "password-reset-link-used")
        page.goto("/connexion/")
        page.get_by_label("Courriel").fill(people.member.email)
        page.get_by_label("Mot de passe", exact=True).fill(chosen)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(r"/$"), timeout=WAIT_MS)
        expect(page.locator(".menu-who")).to_contain_text("Marc Membre")
        page.context.close()


def test_sign_in_with_a_code_read_from_the_mail(people: People, site: str, chromium,
                                               smtp_mailbox: Mailbox) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    for number, page in enumerate(pages(chromium, site), start=1):
        page.goto("/connexion/")
        page.get_by_role("link", name="Recevoir un code par courriel").click()
        checked(page, "code-request")
        page.get_by_label("Courriel").fill(people.other_member.email)
        page.get_by_role("button", name="Envoyer le code").click()
        expect(page.get_by_role("heading", name="Entrer le code reçu")).to_be_visible(
            timeout=WAIT_MS)
        page.get_by_label("Code reçu par courriel").fill("ZZZZ-ZZZZ")
        page.get_by_role("button", name="Me connecter").click()
        expect(page.get_by_text("Ce code n'est pas le bon")).to_be_visible(timeout=WAIT_MS)
        checked(page, "code-wrong")
        mail = last_mail_to(smtp_mailbox, people.other_member.email, number)
        code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", text_of(mail), re.MULTILINE)
        assert code, text_of(mail)
        page.get_by_label("Code reçu par courriel").fill(code.group(1))
        page.get_by_role("button", name="Me connecter").click()
        page.wait_for_url(re.compile(r"/$"), timeout=WAIT_MS)
        expect(page.locator(".menu-who")).to_contain_text("Noémie Membre")
        page.context.close()


def test_sign_in_with_the_organisations_account(people: People, site: str, provider: str,
                                                chromium) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    claims = {"email": people.facilitator.email, "email_verified": True, "name": "Florence"}
    assert requests.put(f"{provider}/users/entra-florence", json=claims,
                        timeout=10).status_code == 204
    unknown = {"email": "inconnu@laval.ca", "email_verified": True, "name": "Inconnu"}
    assert requests.put(f"{provider}/users/entra-inconnu", json=unknown,
                        timeout=10).status_code == 204
    for page in pages(chromium, site):
        page.goto("/connexion/")
        page.get_by_role("button", name=f"Continuer avec {PROVIDER_NAME}").click()
        page.wait_for_url(re.compile(r"/oauth2/authorize"), timeout=WAIT_MS,
                          wait_until="domcontentloaded")
        page.locator("input[name=sub][type=text]").fill("entra-inconnu")
        # The provider's page asks a CDN for its style sheet, which nothing here can reach.
        page.get_by_role("button", name="Authorize").click(no_wait_after=True)
        expect(page.get_by_role("heading", name="Aucun compte pour ce courriel")).to_be_visible(
            timeout=WAIT_MS)
        checked(page, "sso-refused")
        page.goto("/connexion/")
        page.get_by_role("button", name=f"Continuer avec {PROVIDER_NAME}").click()
        page.wait_for_url(re.compile(r"/oauth2/authorize"), timeout=WAIT_MS,
                          wait_until="domcontentloaded")
        page.locator("input[name=sub][type=text]").fill("entra-florence")
        # The provider's page asks a CDN for its style sheet, which nothing here can reach.
        page.get_by_role("button", name="Authorize").click(no_wait_after=True)
        page.wait_for_url(re.compile(r"127\.0\.0\.1:\d+/$"), timeout=WAIT_MS)
        expect(page.locator(".menu-who")).to_contain_text("Florence Animatrice")
        checked(page, "sso-signed-in")
        page.context.close()


def test_change_my_address_with_the_link_sent_to_the_new_one(people: People, site: str,
                                                             chromium,
                                                             smtp_mailbox: Mailbox) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    for number, page in enumerate(pages(chromium, site), start=1):
        old = people.member.email if number == 1 else "marc.m1@laval.ca"
        new = f"marc.m{number}@laval.ca"
        page.goto("/connexion/")
        page.get_by_label("Courriel").fill(old)
        page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(re.compile(r"/$"), timeout=WAIT_MS)
        page.goto("/compte/securite/")
        page.get_by_role("link", name="Changer mon courriel").click()
        checked(page, "email-change")
        page.get_by_label("Nouveau courriel").fill(people.other_member.email)
        page.get_by_role("button", name="Changer mon courriel").click()
        expect(page.get_by_text("Ce courriel est déjà celui d'un autre compte.")).to_be_visible(
            timeout=WAIT_MS)
        checked(page, "email-change-taken")
        page.get_by_label("Nouveau courriel").fill(new)
        page.get_by_role("button", name="Changer mon courriel").click()
        # A sensitive action: the password is asked again, then the change goes through.
        expect(page.get_by_role("heading", name="Confirmer votre identité")).to_be_visible(
            timeout=WAIT_MS)
        checked(page, "reauthenticate")
        page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Confirmer").click()
        expect(page.get_by_role("heading", name="En attente de confirmation")).to_be_visible(
            timeout=WAIT_MS)
        checked(page, "email-change-pending")
        mail = first_mail_to(smtp_mailbox, new)
        link = re.search(r"https?://\S+/compte/courriel/confirmer/\S+", text_of(mail))
        assert link, text_of(mail)
        page.goto(link.group(0))
        checked(page, "email-confirm")
        page.get_by_role("button", name="Confirmer").click()
        expect(page.get_by_role("status")).to_contain_text(f"Votre courriel est maintenant {new}",
                                                          timeout=WAIT_MS)
        page.context.close()


def test_the_sign_in_pages_reflow_at_320_px(site: str, chromium) -> None:  # type: ignore[no-untyped-def]
    page = chromium.new_context(base_url=site, locale="fr-CA",
                                viewport={"width": 320, "height": 720}).new_page()
    for path, name in (("/connexion/", "sign-in"), ("/connexion/code/", "code-request"),
                       ("/mot-de-passe-oublie/", "password-forgotten")):
        page.goto(path)
        checked(page, name)
    page.context.close()
