"""The app shell in Chromium at a small phone (320×640), a common phone (390×844) and a laptop
(1366×768), on the main pages a facilitator reaches: nothing scrolls sideways (WCAG 1.4.10),
axe-core finds nothing, the header stays compact and the page title is within the first
150 px on phones; the menu opens without a page of its own. Screenshots of each page are
written to var/screenshots/shell/ (docs/screens/ keeps a chosen few)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from communities.models import Membership, Role, Space
from communities.services.discussion import post_message, start_thread
from docs_store.services import upload_document
from emails.notifications import collect
from meetings.models import MeetingMode
from meetings.services.polls import open_poll, vote
from meetings.services.scheduling import schedule_meeting
from tests.browser.conftest import SCREENSHOTS, assert_accessible, new_page, sign_in
from tests.conftest import People
from tests.meetings.conftest import in_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"320": (320, 640), "390": (390, 844), "1366": (1366, 768)}
SHOTS = SCREENSHOTS / "shell"


def _content(people: People) -> dict[str, str]:
    """A space with some life in it, and the path of each main page."""
    space = people.space
    other = Space.objects.create(slug="voisins-solidaires", name="Voisins solidaires",
                                 description="Des municipalités qui favorisent l'entraide.")
    Membership.objects.create(space=other, user=people.facilitator, role=Role.MEMBER)
    Membership.objects.create(space=other, user=people.member, role=Role.FACILITATOR)
    started = start_thread(actor=people.member, space=space,
                           title="Accessibilité des parcs : retours d'expérience",
                           body="Bonjour à toutes et à tous, qui a des exemples d'aires de "
                                "jeux universellement accessibles ?")
    post_message(actor=people.other_member, thread=started.thread,
                 body="À Gatineau, nous avons refait trois parcs l'an dernier. "
                      "@**Florence Animatrice** pourra compléter.")
    start_thread(actor=people.member, space=other, title="Fête des voisins 2026",
                 body="On lance l'organisation : qui est partant ?")
    meeting = schedule_meeting(actor=people.facilitator, space=space,
                               title="Rencontre d'automne du réseau", starts_at=in_days(6),
                               ends_at=in_days(6, 15), mode="virtual",
                               video_url="https://meet.example/automne")
    poll = open_poll(actor=people.facilitator, space=space, title="Bilan de l'année",
                     mode=MeetingMode.VIRTUAL, video_url="https://meet.example/bilan",
                     slots=[(in_days(12), in_days(12, 15)), (in_days(13, 9), in_days(13, 10)),
                            (in_days(14, 19), in_days(14, 20))],
                     notify_members=False)
    slots = list(poll.slots.order_by("starts_at").values_list("pk", flat=True))
    vote(actor=people.member, poll=poll, answers=dict(zip(slots, ["yes", "if_needed", "no"],
                                                          strict=True)))
    document = upload_document(actor=people.facilitator, space=space,
                               file=io.BytesIO(b"Compte rendu de la rencontre de printemps.\n"),
                               file_name="compte-rendu-printemps.txt",
                               title="Compte rendu — rencontre de printemps")
    collect()  # the mention becomes a notification, as the periodic task would do
    return {
        "home": reverse("my-spaces"),
        "space": reverse("space", args=[space.slug]),
        "thread": reverse("thread", args=[space.slug, started.thread.pk]),
        "members": reverse("members", args=[space.slug]),
        "poll": reverse("poll", args=[space.slug, poll.pk]),
        "meetings": reverse("meetings", args=[space.slug]),
        "meeting": reverse("meeting", args=[space.slug, meeting.pk]),
        "documents": reverse("documents", args=[space.slug]),
        "document": reverse("document", args=[space.slug, document.pk]),
        "search": reverse("search") + "?q=parcs",
        "preferences": reverse("emails:preferences"),
        "calendar": reverse("calendar-feed-page"),
        "security": reverse("account-security"),
        "report": reverse("space-report", args=[space.slug]),
    }


MEASURE = """() => {
  const header = document.querySelector(".topbar").getBoundingClientRect();
  const h1 = document.querySelector("h1");
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    header: header.height,
    h1Top: h1 ? h1.getBoundingClientRect().top + window.scrollY : null,
    // What sticks out, to name it in the failure.
    wide: Array.from(document.querySelectorAll("body *"))
      .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5
        && !el.closest(".space-sections"))
      .slice(0, 5).map((el) => el.tagName.toLowerCase() + "." + el.getAttribute("class")),
  };
}"""


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_main_pages_fit_the_screen_and_pass_axe(people: People, server: str, browser,  # type: ignore[no-untyped-def]
                                               size: str) -> None:
    width, height = VIEWPORTS[size]
    pages = _content(people)
    page = new_page(browser, server, viewport={"width": width, "height": height})
    sign_in(page, people.facilitator.email)
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for name, path in pages.items():
        page.goto(path)
        assert_accessible(page, f"{name} at {size}")
        box = page.evaluate(MEASURE)
        if box["scrollWidth"] > box["innerWidth"]:
            problems.append(f"{name}: {box['scrollWidth']} px wide in {box['innerWidth']}: "
                            f"{box['wide']}")
        if width < 800:
            if box["header"] > 64:
                problems.append(f"{name}: header {box['header']} px tall")
            if box["h1Top"] is None or box["h1Top"] > 150:
                problems.append(f"{name}: title starts at {box['h1Top']} px")
        page.screenshot(path=str(SHOTS / f"{name}-{size}.png"))
    assert not problems, "\n".join(problems)


def test_the_phone_menu_lists_my_spaces_with_their_counts(people: People, server: str,  # type: ignore[no-untyped-def]
                                                          browser) -> None:
    from playwright.sync_api import expect

    pages = _content(people)
    page = new_page(browser, server, viewport={"width": 390, "height": 844})
    sign_in(page, people.facilitator.email)
    page.goto(pages["members"])
    menu = page.locator("#menu")
    expect(menu).to_be_hidden()
    page.get_by_role("button", name="Menu : mes espaces").click()
    expect(menu).to_be_visible()
    assert_accessible(page, "menu open on a phone")
    # Unread: the two messages of the thread in "rma", the one thread in "Voisins solidaires".
    expect(menu.locator('[data-unread-space="voisins-solidaires"]')).to_contain_text("1")
    expect(menu.locator('[data-unread-space="rma"]')).to_contain_text("2")
    expect(menu.locator('[data-mentions-space="rma"]')).to_be_visible()
    expect(menu.get_by_role("link", name="Rencontre d'automne du réseau")).to_be_visible()
    page.screenshot(path=str(SHOTS / "menu-390.png"))
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()


def test_the_menu_opens_without_javascript(people: People, server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    _content(people)
    context = browser.new_context(base_url=server, locale="fr-CA", java_script_enabled=False,
                                  viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in(page, people.member.email)
    expect(page.locator("#menu")).to_be_hidden()
    page.get_by_role("link", name="Menu : mes espaces").click()
    expect(page.locator("#menu")).to_be_visible()
    expect(page.locator("#menu").get_by_role("link", name="Voisins solidaires")).to_be_visible()
    # The account menu is a <details>: it opens without a script too.
    page.locator(".account-button").click()
    expect(page.get_by_role("link", name="Préférences de courriel")).to_be_visible()
    expect(page.get_by_role("link", name="Mon agenda personnel")).to_be_visible()


def test_a_member_on_a_facilitator_page_is_told_kindly(people: People, server: str,  # type: ignore[no-untyped-def]
                                                      browser) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, server, viewport={"width": 390, "height": 844})
    sign_in(page, people.member.email)
    response = page.goto(reverse("space-report", args=["rma"]))
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Réservé à l'animation")
    expect(page.get_by_role("link", name="Retour à l'espace")).to_be_visible()
    assert_accessible(page, "reserved page")
    page.screenshot(path=str(SHOTS / "reserved-390.png"))


def test_the_sign_in_page_wears_the_shell_without_a_menu(people: People, server: str,  # type: ignore[no-untyped-def]
                                                        browser) -> None:
    page = new_page(browser, server, viewport={"width": 390, "height": 844})
    page.goto(reverse("login"))
    assert page.locator("#menu").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page, "sign-in page")
    page.screenshot(path=str(SHOTS / "login-390.png"))
    favicon = page.request.get("/favicon.ico")
    assert favicon.status == 200 and favicon.headers["content-type"] == "image/x-icon"
    manifest = page.request.get("/manifest.webmanifest")
    assert manifest.status == 200
    assert manifest.headers["content-type"].startswith("application/manifest+json")
