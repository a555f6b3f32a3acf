"""End to end in Chromium: a member's bell, home unread counts and tab title follow what
others do without a reload (a post in a thread they started, a mention, a meeting
scheduled), the inbox page shows a new item live, and home and inbox are accessible at
phone and desktop sizes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.services.discussion import post_message, start_thread
from tests.browser.conftest import (
    SCREENSHOTS,
    WAIT_MS,
    assert_accessible,
    new_page,
    sign_in,
)
from tests.conftest import People
from tests.inbox.conftest import schedule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(320, 640), (390, 844), (1366, 768)]


def _open_live(page, path: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.goto(path)
    expect(page.locator("[data-inbox-bell][data-live]")).to_have_count(1, timeout=WAIT_MS)


def test_bell_home_counts_and_title_follow_posts_mentions_and_meetings(
        people: People, server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    opened = start_thread(actor=people.member, space=people.space, title="Programme d'automne",
                          body="Vos idées ?")
    home = new_page(browser, server)
    sign_in(home, people.member.email)
    _open_live(home, reverse("my-spaces"))
    bell = home.locator("[data-inbox-count]")
    badge = home.locator('main [data-unread-space="rma"]')
    unread = badge.locator("[data-count]")
    expect(bell).to_be_hidden()
    expect(badge).to_be_hidden()
    expect(unread).to_have_text("0")
    all_read = home.locator('main [data-all-read="rma"]')
    expect(all_read).to_have_text("Vous avez tout lu ici.")
    assert home.title() == "Quoi de neuf — Espace MUNI"

    # Another member answers in the thread I started: unread and bell move, no reload.
    post_message(actor=people.other_member, thread=opened.thread, body="Une **visite** ?")
    expect(unread).to_have_text("1", timeout=WAIT_MS)
    expect(badge).to_be_visible()
    expect(badge).to_have_text("Non lus : 1")
    expect(all_read).to_be_hidden()
    expect(home.locator("[data-home-unread]")).to_have_text("1")
    expect(bell).to_have_text("1", timeout=WAIT_MS)
    expect(home.locator("[data-inbox-label]")).to_have_text("Notifications : 1 non lue")
    expect(home).to_have_title("(1) Quoi de neuf — Espace MUNI")

    # A mention of me: the space's mentions count appears.
    post_message(actor=people.facilitator, thread=opened.thread,
                 body="@**Marc Membre** peux-tu confirmer ?")
    expect(unread).to_have_text("2", timeout=WAIT_MS)
    expect(home.locator('main [data-mentions-space="rma"]')).to_have_text("1", timeout=WAIT_MS)
    expect(bell).to_have_text("2", timeout=WAIT_MS)
    expect(home).to_have_title("(2) Quoi de neuf — Espace MUNI")

    # A meeting scheduled: on the inbox page the invitation appears, with the bell.
    inbox = new_page(browser, server)
    sign_in(inbox, people.member.email)
    _open_live(inbox, reverse("inbox"))
    meeting = schedule(people, title="Rencontre de novembre")
    item = inbox.locator("[data-inbox-list] li").first
    expect(item).to_contain_text("Rencontre de novembre", timeout=WAIT_MS)
    expect(item).to_contain_text("Invitation à une rencontre")
    expect(inbox.locator("[data-inbox-count]")).to_have_text("3", timeout=WAIT_MS)
    expect(bell).to_have_text("3", timeout=WAIT_MS)

    # Opening it reads it, and leads to the meeting; every open page's bell follows.
    item.get_by_role("link", name="Rencontre de novembre").click()
    inbox.wait_for_url(f"**{reverse('meeting', args=['rma', meeting.pk])}")
    expect(bell).to_have_text("2", timeout=WAIT_MS)

    # Marking one read on the inbox page happens in place (the form alone works too).
    _open_live(inbox, reverse("inbox"))
    unread = inbox.locator("[data-inbox-list] li.is-unread")
    expect(unread).to_have_count(2)
    unread.first.get_by_role("button", name="Marquer comme lue").click()
    expect(unread).to_have_count(1, timeout=WAIT_MS)
    expect(inbox.locator("[data-inbox-count]")).to_have_text("1", timeout=WAIT_MS)
    expect(bell).to_have_text("1", timeout=WAIT_MS)
    assert inbox.url.endswith(reverse("inbox"))


def test_home_and_inbox_are_accessible_at_phone_and_desktop_sizes(
        people: People, server: str, browser) -> None:  # type: ignore[no-untyped-def]
    opened = start_thread(actor=people.member, space=people.space, title="Programme d'automne",
                          body="Vos idées ?")
    post_message(actor=people.other_member, thread=opened.thread,
                 body="Bonjour @**Marc Membre**, une **visite** du parc ?")
    schedule(people, title="Rencontre de novembre")
    for width, height in SIZES:
        page = new_page(browser, server, viewport={"width": width, "height": height})
        sign_in(page, people.member.email)
        for name, path in (("home", reverse("my-spaces")), ("inbox", reverse("inbox"))):
            _open_live(page, path)
            assert_accessible(page, f"{name} at {width}×{height}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} scrolls sideways at {width} px"
            if width in (320, 390):
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
        page.context.close()
