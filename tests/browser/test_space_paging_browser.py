"""The paged thread list in a real browser: the "Fils plus anciens" link is an ordinary link
a keyboard reaches, a later page passes axe and does not scroll sideways on a small phone, and
a thread from a later page that someone answers comes to the top of the first page live."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Thread
from communities.services.discussion import post_message
from frontend.views.spaces import THREADS_PER_PAGE
from tests.browser.conftest import (
    SCREENSHOTS,
    WAIT_MS,
    assert_accessible,
    new_page,
    open_live,
    sign_in,
    tab_to,
)
from tests.conftest import People

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_threads(people: People, n: int) -> list[Thread]:
    now = timezone.now()
    return Thread.objects.bulk_create([
        Thread(space=people.space, title=f"Fil {i}", author=people.other_member,
               created_at=now - timedelta(days=30), last_activity_at=now - timedelta(hours=i))
        for i in range(n)])


def test_older_threads_are_a_link_away_and_come_back_live(people: People, server: str,
                                                          browser: object) -> None:
    from playwright.sync_api import expect

    threads = make_threads(people, THREADS_PER_PAGE + 3)
    url = reverse("space", args=[people.space.slug])
    page = new_page(browser, server, viewport={"width": 320, "height": 700})
    sign_in(page, people.member.email)
    page.goto(url)
    tab_to(page, "el.hasAttribute('data-older-threads')", limit=200)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{url}?page=2")
    items = page.locator(".thread-item")
    expect(items).to_have_count(3)
    expect(items.first).to_contain_text(f"Fil {THREADS_PER_PAGE}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page, "fils plus anciens")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((390, 844), (1366, 768)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SCREENSHOTS / f"space-older-threads-{width}.png"))

    # The oldest thread, on no page the member has open, is answered: it tops the first page.
    open_live(page, url)
    expect(items).to_have_count(THREADS_PER_PAGE)
    post_message(actor=people.other_member, thread=threads[-1], body="On relance ce sujet.")
    expect(items.first).to_contain_text(f"Fil {THREADS_PER_PAGE + 2}", timeout=WAIT_MS)


def test_an_older_page_does_not_take_in_a_thread_from_the_first(people: People, server: str,
                                                                 browser: object) -> None:
    from playwright.sync_api import expect

    threads = make_threads(people, THREADS_PER_PAGE + 2)
    page = new_page(browser, server)
    sign_in(page, people.member.email)
    open_live(page, reverse("space", args=[people.space.slug]) + "?page=2")
    post_message(actor=people.other_member, thread=threads[0], body="Du nouveau ici.")
    expect(page.locator("[data-live-region]")).to_contain_text("Fil 0", timeout=WAIT_MS)
    expect(page.locator(".thread-item")).to_have_count(2)
