"""End to end in Chromium: an action item recorded from a meeting reaches its assignee's bell
and open inbox page without a reload, and the item leads to the register."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import WAIT_MS, assert_accessible, new_page, sign_in
from tests.conftest import People
from tests.decisions.helpers import an_action, held_meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_assignee_sees_the_action_in_the_inbox_live(
        people: People, server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    meeting = held_meeting(people)
    page = new_page(browser, server, viewport={"width": 390, "height": 844})
    sign_in(page, people.member.email)
    page.goto(reverse("inbox"))
    expect(page.locator("[data-inbox-bell][data-live]")).to_have_count(1, timeout=WAIT_MS)
    bell = page.locator("[data-inbox-count]")
    # The meeting's own invitation may already be there.
    before = int(bell.get_attribute("data-inbox-count") or 0)

    action = an_action(people, meeting, what="Envoyer le gabarit de politique d'accessibilité")
    expect(bell).to_have_text(str(before + 1), timeout=WAIT_MS)
    item = page.get_by_role("link", name="Envoyer le gabarit de politique d'accessibilité")
    expect(item).to_be_visible(timeout=WAIT_MS)
    assert_accessible(page, "inbox with an action")
    item.click()
    page.wait_for_url(f"**{reverse('decisions:register', args=[people.space.slug])}*")
    expect(page.locator(f"#action-{action.pk}")).to_be_visible(timeout=WAIT_MS)
