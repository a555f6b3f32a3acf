"""A live page whose session has ended (signed out elsewhere, expired) stops retrying its
socket and says why, instead of knocking at the server forever."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.browser.conftest import WAIT_MS, new_page, sign_in
from tests.conftest import People

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ENDED = "Votre session a pris fin. Rechargez la page pour vous reconnecter."


def test_a_page_signed_out_elsewhere_stops_retrying_and_says_so(
        people: People, server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    member = new_page(browser, server)
    sign_in(member, people.member.email)
    member.goto(reverse("space", args=["rma"]))
    status = member.locator("[data-live-status]")
    expect(status).to_have_text("Mises à jour en direct actives.", timeout=WAIT_MS)
    sockets: list[str] = []
    member.on("websocket", lambda socket: sockets.append(socket.url))
    # Away (the back/forward cache's path closes the socket), signed out meanwhile.
    member.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide'))")
    Session.objects.all().delete()
    member.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    expect(status).to_have_text(ENDED, timeout=WAIT_MS)
    tried = len(sockets)
    assert 2 <= tried <= 3, sockets
    # Stopped for good: no further attempt after the backoff would have fired.
    time.sleep(5)
    assert len(sockets) == tried, sockets
