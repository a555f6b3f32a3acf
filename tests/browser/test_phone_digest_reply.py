"""The journey most members make: on a phone, a link in the digest, "Continuer" on the landing
page, read the thread and reply — with the keyboard alone, at 390×844."""

from __future__ import annotations

import re
from typing import Any

import pytest

from communities.models import Message
from tests.browser.conftest import WAIT_MS, new_page, tab_to
from tests.browser.test_email_links import _digest_links, _target_of, browser, mail_server
from tests.conftest import People
from tests.smtp import Mailbox

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["browser", "mail_server"]  # the fixtures of a server that sends mail


def test_read_and_reply_from_a_digest_link(people: People, mail_server: str, browser: Any,
                                           smtp_server: Mailbox) -> None:
    from playwright.sync_api import expect

    links, text = _digest_links(people, smtp_server)
    assert "**" not in text and "@**" not in text
    url = next(link for link in links if "/fils/" in _target_of(link))
    page = new_page(browser, mail_server, viewport={"width": 390, "height": 844})
    page.goto(url)
    tab_to(page, "el.matches('button') && el.textContent.trim() === 'Continuer'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/fils/\d+/"), timeout=WAIT_MS)
    expect(page.locator(".whoami")).to_have_text("Marc Membre")
    expect(page.locator("[data-live-status]")).to_have_text(re.compile("direct"),
                                                            timeout=WAIT_MS)
    tab_to(page, "el.matches('[data-composer-form] [data-editor]')", limit=150)
    page.keyboard.type("Voici nos photos, ")
    page.get_by_role("toolbar", name="Mise en forme")  # there, for those who want it
    page.keyboard.press("Control+b")
    page.keyboard.type("merci")
    page.keyboard.press("Enter")
    posted = page.locator(".message", has_text="Voici nos photos")
    expect(posted).to_be_visible(timeout=WAIT_MS)
    expect(posted.locator(".message-body strong")).to_have_text("merci")
    assert Message.objects.latest("pk").body == "Voici nos photos, **merci**"
