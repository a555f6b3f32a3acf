"""End to end in Chromium: on "Quoi de neuf", another person of my space schedules a meeting,
opens a date poll and uploads a document, and the three sections show them without a reload;
the keyboard focus stays where it was, the change is announced politely, and the one-tap
answer happens in place. Accessible at a phone's and a laptop's size."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from docs_store.services import upload_document
from meetings.models import MeetingMode
from meetings.services.polls import open_poll
from tests.browser.conftest import (
    SCREENSHOTS,
    WAIT_MS,
    assert_accessible,
    new_page,
    sign_in,
)
from tests.conftest import People
from tests.docs_store.samples import PDF
from tests.inbox.conftest import schedule
from tests.meetings.conftest import in_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_live(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.goto(reverse("my-spaces"))
    expect(page.locator("[data-inbox-bell][data-live]")).to_have_count(1, timeout=WAIT_MS)


def _upload(people: People, title: str):  # type: ignore[no-untyped-def]
    return upload_document(actor=people.facilitator, space=people.space, file=io.BytesIO(PDF),
                           file_name="guide.pdf", title=title)


@pytest.mark.parametrize("size", [(390, 844), (1366, 768)], ids=["phone", "laptop"])
def test_meetings_polls_and_documents_arrive_without_a_reload(
        people: People, server: str, browser, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    earlier = _upload(people, "Guide des bancs publics")
    page = new_page(browser, server, viewport={"width": size[0], "height": size[1]})
    sign_in(page, people.member.email)
    _open_live(page)
    page.evaluate("window.sameDocument = true")
    meetings = page.locator("[data-home-section=meetings]")
    polls = page.locator("[data-home-section=polls]")
    documents = page.locator("[data-home-section=documents]")
    announce = page.locator("[data-home-announce]")
    expect(meetings).to_contain_text("Aucune rencontre prévue.")
    # The reader is on the older document's link: it keeps the focus through the refresh.
    page.locator(f"#home-document-{earlier.pk}").focus()

    schedule(people, title="Rencontre de novembre")
    expect(meetings).to_contain_text("Rencontre de novembre", timeout=WAIT_MS)
    expect(announce).to_have_text("Nouvelle rencontre à venir : Rencontre de novembre",
                                  timeout=WAIT_MS)

    open_poll(actor=people.facilitator, space=people.space, title="Bilan de l'année",
              mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1",
              slots=[(in_days(12), in_days(12, 15)), (in_days(13), in_days(13, 15))],
              notify_members=False)
    expect(polls).to_contain_text("Bilan de l'année", timeout=WAIT_MS)
    expect(polls.get_by_role("link", name="Bilan de l'année")).to_be_visible()

    _upload(people, "Plan d'accessibilité 2027")
    expect(documents.locator("li").first).to_contain_text("Plan d'accessibilité 2027",
                                                          timeout=WAIT_MS)
    expect(announce).to_have_text("Nouveau document : Plan d'accessibilité 2027",
                                  timeout=WAIT_MS)
    assert page.evaluate("document.activeElement.id") == f"home-document-{earlier.pk}"

    # One tap answers in place: the answer is pressed, focused and said; no navigation.
    yes = meetings.get_by_role("button", name="Oui")
    yes.click()
    expect(meetings.get_by_role("button", name="Oui")).to_have_attribute(
        "aria-pressed", "true", timeout=WAIT_MS)
    expect(meetings.locator("[data-home-notice]")).to_contain_text("est enregistrée : oui")
    expect(announce).to_contain_text("est enregistrée : oui", timeout=WAIT_MS)
    assert page.evaluate("document.activeElement.textContent.trim()") == "Oui"
    assert page.evaluate("window.sameDocument") is True

    # Reading the documents while a meeting is added above them: they do not move. (A short
    # window, so the meetings can be wholly above what is read.)
    page.set_viewport_size({"width": size[0], "height": 400})
    page.evaluate("document.querySelector('[data-home-section=documents]').scrollIntoView()")
    top = documents.evaluate("node => node.getBoundingClientRect().top")
    meetings_above = meetings.evaluate("node => node.getBoundingClientRect().bottom <= 0")
    schedule(people, title="Rencontre de décembre", starts_at=in_days(20),
             ends_at=in_days(20, 15))
    expect(meetings).to_contain_text("Rencontre de décembre", timeout=WAIT_MS)
    if size[0] < 700:  # on a phone the sections are one column
        assert meetings_above
        moved = documents.evaluate("node => node.getBoundingClientRect().top") - top
        assert abs(moved) <= 1, f"the documents moved by {moved} px"

    page.set_viewport_size({"width": size[0], "height": size[1]})
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert_accessible(page, f"home with live sections at {size[0]}×{size[1]}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"home-sections-{size[0]}.png"), full_page=True)
    page.context.close()
