"""Every link of a digest that arrived over SMTP, followed in Chromium by someone who is not
signed in: the landing page, "Continuer", and the item, as the member the digest was for.
A second use fails, an expired link emails a fresh one (sent by the server process over the
same loopback SMTP server), and the new pages pass axe-core."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse
from django.utils import timezone

from communities.models import User
from emails import unsubscribe
from emails.models import JoinLink
from tests.browser.conftest import (
    PASSWORD,
    WAIT_MS,
    SharedChromium,
    assert_accessible,
    new_page,
    sign_in,
)
from tests.conftest import People
from tests.emails.helpers import join_links, path_of, send_weekly, text_of, week_of_activity
from tests.servers import SpareServer
from tests.smtp import Mailbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mail_server(people: People, browser_ready: None, smtp_server: Mailbox, settings: Any,
                spare_server: SpareServer) -> Iterator[str]:
    """A server process that sends its mail to the loopback SMTP server, and links in the
    mail we send here that point at it. The SMTP server is the session's: the same from test
    to test, so the next test's server is started ahead."""
    hasher = PBKDF2PasswordHasher()
    User.objects.update(password=hasher.encode(PASSWORD, hasher.salt(), iterations=1000))
    smtp = {"SMTP_HOST": smtp_server.host, "SMTP_PORT": str(smtp_server.port),
            "SMTP_STARTTLS": "false", "SMTP_SSL": "false"}
    with spare_server.running(redis_url=os.environ.get("REDIS_URL") or None,
                              extra_env=smtp) as process:
        settings.SITE_URL = process.http
        yield process.http


@pytest.fixture
def browser(mail_server: str, shared_chromium: SharedChromium) -> Iterator[Any]:
    with shared_chromium.in_test() as launched:
        yield launched


def _digest_links(people: People, smtp_server: Mailbox) -> tuple[list[str], str]:
    week_of_activity(people)
    send_weekly([people.member.pk])
    [message] = smtp_server.wait_for(1)
    smtp_server.clear()
    return join_links(text_of(message)), text_of(message)


def _target_of(url: str) -> str:
    token = url.rstrip("/").rsplit("/", 1)[1]
    from communities.secrets import hash_secret

    return JoinLink.objects.get(token_hash=hash_secret(token)).target


def test_every_digest_link_lands_on_its_item_as_the_member(
        people: People, mail_server: str, browser: Any, smtp_server: Mailbox) -> None:
    from playwright.sync_api import expect

    links, _text = _digest_links(people, smtp_server)
    assert len(links) == 6
    for index, url in enumerate(links):
        page = new_page(browser, mail_server)
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Continuer vers l'Espace collaboratif")
        if index == 0:
            assert_accessible(page, "landing page")
        target = _target_of(url)
        page.get_by_role("button", name="Continuer").click()
        page.wait_for_url(re.compile(re.escape(target.split("#")[0]) + "(#.*)?$"),
                          timeout=WAIT_MS)
        expect(page.locator(".whoami")).to_have_text("Marc Membre")
        if "/fils/" in target:
            title = page.get_by_role("heading", level=1)
            expect(title).to_contain_text(re.compile("Parcs inclusifs|Budget 2027"))
        page.context.close()
    assert JoinLink.objects.filter(used_at__isnull=False).count() == 6


def test_a_get_alone_uses_nothing_and_a_second_use_fails(
        people: People, mail_server: str, browser: Any, smtp_server: Mailbox) -> None:
    from playwright.sync_api import expect

    url = _digest_links(people, smtp_server)[0][0]
    scanner = new_page(browser, mail_server)
    scanner.goto(url)
    scanner.goto(url)
    scanner.context.close()
    assert not JoinLink.objects.filter(used_at__isnull=False).exists()

    first = new_page(browser, mail_server)
    first.goto(url)
    first.get_by_role("button", name="Continuer").click()
    first.wait_for_url(re.compile(r"/fils/"), timeout=WAIT_MS)

    second = new_page(browser, mail_server)
    second.goto(url)
    expect(second.get_by_role("heading", level=1)).to_have_text("Ce lien a déjà servi")
    expect(second.get_by_role("button", name="Continuer")).to_have_count(0)


def test_an_expired_link_emails_a_fresh_one_that_works(
        people: People, mail_server: str, browser: Any, smtp_server: Mailbox) -> None:
    from playwright.sync_api import expect

    url = _digest_links(people, smtp_server)[0][0]
    JoinLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    page = new_page(browser, mail_server)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ce lien a expiré")
    assert_accessible(page, "expired link page")
    page.get_by_label("Votre adresse courriel").fill(people.member.email)
    page.get_by_role("button", name="M'envoyer un nouveau lien").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre boîte de réception")

    [fresh_mail] = smtp_server.wait_for(1, timeout=20)
    [fresh] = join_links(text_of(fresh_mail))
    # The server process writes its links with its own SITE_URL; the path is what matters.
    page.goto(path_of(fresh))
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url(re.compile(r"/fils/"), timeout=WAIT_MS)
    expect(page.locator(".whoami")).to_have_text("Marc Membre")


def test_someone_else_signed_in_is_not_switched(
        people: People, mail_server: str, browser: Any, smtp_server: Mailbox) -> None:
    from playwright.sync_api import expect

    url = _digest_links(people, smtp_server)[0][0]
    page = new_page(browser, mail_server)
    sign_in(page, people.other_member.email)
    page.goto(url)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ce lien est destiné à une autre personne")
    expect(page.locator(".whoami")).to_have_text("Noémie Membre")
    assert_accessible(page, "someone else's link")


def test_preferences_and_unsubscribe_pages_work_from_the_keyboard(
        people: People, mail_server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, mail_server)
    sign_in(page, people.member.email)
    page.goto(reverse("emails:preferences"))
    assert_accessible(page, "preferences page")
    page.get_by_label("Chaque jour").check()
    page.get_by_label("Regroupées toutes les 15 minutes").focus()
    page.keyboard.press("Space")
    page.get_by_label("Aucune notification de « Réseau Municipalités accessibles »").check()
    page.get_by_role("button", name="Enregistrer").press("Enter")
    expect(page.get_by_text("Vos préférences de courriel sont enregistrées.")).to_be_visible()

    from emails.preferences import choices_of

    choices = choices_of(people.member)
    assert (choices.digest, choices.notifications) == ("daily", "batched")
    assert choices.spaces[0].notifications_muted

    anonymous = new_page(browser, mail_server)
    anonymous.goto(unsubscribe.links_for(user=people.member, space=people.space).url)
    assert_accessible(anonymous, "unsubscribe page")
    anonymous.get_by_role("button", name="Me désabonner").click()
    expect(anonymous.get_by_role("heading", level=1)).to_have_text("Désabonnement enregistré")
    assert_accessible(anonymous, "unsubscribed page")
    assert choices_of(people.member).spaces[0].digest == "off"


def test_a_meeting_is_answered_from_the_digest_in_one_click(
        people: People, mail_server: str, browser: Any, smtp_server: Mailbox) -> None:
    from playwright.sync_api import expect

    from meetings.models import Rsvp
    from tests.meetings.conftest import schedule

    meeting = schedule(people)
    smtp_server.clear()
    send_weekly([people.member.pk])
    text = text_of(smtp_server.wait_for(1)[0])
    yes = re.search(r"Oui : (\S+)", text)
    assert yes is not None

    page = new_page(browser, mail_server)
    page.goto(yes[1])
    expect(page.locator(".notice")).to_have_text(
        "Votre réponse « oui » à la rencontre « Rencontre virtuelle du réseau » sera "
        "enregistrée.")
    assert_accessible(page, "landing page with an answer")
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url(re.compile(rf"/rencontres/{meeting.pk}/$"), timeout=WAIT_MS)
    expect(page.get_by_text("Votre réponse est enregistrée.")).to_be_visible()
    expect(page.locator(".whoami")).to_have_text("Marc Membre")
    assert Rsvp.objects.get(meeting=meeting, user=people.member).answer == "yes"
