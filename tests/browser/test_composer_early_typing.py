"""On a slow phone the page is usable before its scripts run: whatever someone types into the
plain reply field meanwhile must still be there, and be posted, once the scripts have run."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.models import Thread
from communities.services.discussion import start_thread
from tests.browser.conftest import WAIT_MS, new_page, sign_in
from tests.conftest import People

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def thread(people: People) -> Thread:
    return start_thread(actor=people.facilitator, space=people.space, title="Parcs inclusifs",
                        body="Quels aménagements avez-vous faits ?").thread


def test_text_typed_before_the_editor_starts_is_kept(people: People, server: str,  # type: ignore[no-untyped-def]
                                                     browser, thread: Thread) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, server, viewport={"width": 390, "height": 844})
    sign_in(page, people.member.email)
    # The composer's script is held back until the person has typed, as a slow network would
    # (deferred scripts hold DOMContentLoaded too, so only the response is awaited).
    held: list = []
    page.route("**/composer*.js", lambda route: held.append(route))
    page.goto(reverse("thread", args=["rma", thread.pk]), wait_until="commit")
    field = page.locator("[data-composer-form] textarea[name=body]")
    expect(field).to_be_visible(timeout=WAIT_MS)
    field.fill("Des bancs avec accoudoirs")
    page.wait_for_function("() => true")  # one turn: the route callback has run
    assert held, "the composer's script was never requested"
    for route in held:
        route.continue_()
    page.wait_for_load_state("domcontentloaded")
    # Text the server did not render cannot be shown formatted: the plain field stays, with
    # what was typed, and it posts like any other reply.
    expect(page.locator("[data-composer-form] [data-editor]")).to_have_count(0)
    expect(field).to_be_visible()
    expect(field).to_have_value("Des bancs avec accoudoirs")
    page.get_by_role("button", name="Publier la réponse").click()
    expect(page.locator(".message", has_text="Des bancs avec accoudoirs")).to_be_visible(
        timeout=WAIT_MS)
