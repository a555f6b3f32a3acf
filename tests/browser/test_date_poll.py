"""End to end in Chromium: a facilitator proposes dates, two members answer in their own
browsers, the facilitator watches the counts change live, picks the slot and the meeting
appears; the members' pages close live. axe-core checks every poll page and the report.

A real daphne on the test database and, when REDIS_URL is set, Redis; Debian's Chromium
driven by Playwright. Nothing leaves 127.0.0.1."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from meetings.models.polls import DatePoll
from tests.browser.conftest import SCREENSHOTS, WAIT_MS, assert_accessible, new_page, sign_in
from tests.conftest import People

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _answer(page, slot_ids: list[int], answers: list[str]) -> None:  # type: ignore[no-untyped-def]
    for slot_id, answer in zip(slot_ids, answers, strict=True):
        page.locator(f"#slot-{slot_id}-{answer}").check()
    page.get_by_role("button", name="Enregistrer mes réponses").click()


def test_a_date_poll_runs_to_a_meeting_live(people: People, server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    facilitator = new_page(browser, server)
    marc = new_page(browser, server)
    noemie = new_page(browser, server)
    sign_in(facilitator, people.facilitator.email)
    sign_in(marc, people.member.email)
    sign_in(noemie, people.other_member.email)
    day = timezone.localdate() + timedelta(days=10)

    # The facilitator proposes three slots (a fourth row is left blank).
    facilitator.goto(reverse("space", args=["rma"]))
    facilitator.get_by_role("link", name="Sondages de dates").first.click()
    facilitator.get_by_role("link", name="Proposer des dates").click()
    expect(facilitator.get_by_label("Titre de la rencontre")).to_be_visible()
    assert_accessible(facilitator, "poll creation")
    facilitator.get_by_label("Titre de la rencontre").fill("Rencontre d'hiver du réseau")
    facilitator.get_by_role("radio", name="Virtuelle").check()
    facilitator.get_by_label("Lien de visioconférence (virtuelle ou hybride)").fill(
        "https://zoom.us/j/98765")
    for row, (offset, start, end) in enumerate([(0, "13:30", "15:00"), (1, "09:00", "10:30"),
                                                (2, "19:00", "20:00")], start=1):
        facilitator.get_by_label(f"Date du créneau {row}", exact=True).fill(
            (day + timedelta(days=offset)).isoformat())
        facilitator.get_by_label(f"Début du créneau {row}", exact=True).fill(start)
        facilitator.get_by_label(f"Fin du créneau {row}", exact=True).fill(end)
    facilitator.get_by_role("button", name="Ouvrir le sondage").click()
    expect(facilitator.locator(".flash")).to_contain_text("Le sondage est ouvert")
    poll = DatePoll.objects.get()
    slots = list(poll.slots.values_list("pk", flat=True))
    assert len(slots) == 3
    poll_path = reverse("poll", args=["rma", poll.pk])
    expect(facilitator.locator("[data-poll-status][data-live=on]")).to_have_count(
        1, timeout=WAIT_MS)
    facilitator.evaluate("window.__notReloaded = true")
    assert_accessible(facilitator, "poll page (facilitator)")

    for page in (marc, noemie):
        page.goto(poll_path)
        expect(page.locator("[data-poll-status][data-live=on]")).to_have_count(
            1, timeout=WAIT_MS)
    assert_accessible(marc, "poll page (member)")

    # Marc answers with the keyboard: the radios of one slot are one group.
    marc.locator(f"#slot-{slots[0]}-yes").focus()
    marc.keyboard.press("ArrowRight")
    expect(marc.locator(f"#slot-{slots[0]}-if_needed")).to_be_checked()
    _answer(marc, slots, ["yes", "if_needed", "no"])
    expect(marc.locator(".flash")).to_contain_text("Vos réponses sont enregistrées")

    yes_first = facilitator.locator(f'[data-tally="{slots[0]}-yes"]')
    expect(yes_first).to_have_text("1", timeout=WAIT_MS)
    expect(facilitator.locator(f'[data-tally="{slots[1]}-if_needed"]')).to_have_text("1")
    expect(facilitator.locator("[data-poll-region]")).to_contain_text(
        "Marc Membre a répondu au sondage.")
    expect(facilitator.locator('[data-poll-people] [data-person]')).to_have_count(1)

    _answer(noemie, slots, ["yes", "no", "no"])
    expect(yes_first).to_have_text("2", timeout=WAIT_MS)
    expect(facilitator.locator("[data-poll-status]")).to_have_text("2 personnes ont répondu.")
    expect(facilitator.locator('[data-poll-people] [data-person]')).to_have_count(2)
    # Marc, still on his page, sees Noémie's answer arrive too.
    expect(marc.locator(f'[data-tally="{slots[0]}-yes"]')).to_have_text("2", timeout=WAIT_MS)
    assert facilitator.evaluate("window.__notReloaded") is True
    best = facilitator.locator("[data-slot] [data-best-badge]:visible")
    expect(best).to_have_count(1)
    expect(facilitator.locator(f'[data-slot="{slots[0]}"] [data-best-badge]')).to_be_visible()

    # The facilitator picks the first slot (preselected as the best) and the meeting exists.
    facilitator.get_by_role("link", name="Choisir le créneau retenu").click()
    expect(facilitator.locator(f"#pick-{slots[0]}")).to_be_checked()
    assert_accessible(facilitator, "pick a slot")
    facilitator.get_by_role("button", name="Planifier la rencontre").click()
    meeting = Meeting.objects.get()
    facilitator.wait_for_url(re.compile(rf"/rencontres/{meeting.pk}/$"))
    expect(facilitator.get_by_role("heading", level=1)).to_contain_text(
        "Rencontre d'hiver du réseau")
    assert meeting.starts_at == poll.slots.get(pk=slots[0]).starts_at

    # Members' open pages close live and link to the meeting.
    for page in (marc, noemie):
        expect(page.locator("[data-poll-closed-notice]")).to_be_visible(timeout=WAIT_MS)
        expect(page.locator("[data-poll-vote]")).to_be_hidden()
        expect(page.locator("[data-poll-meeting-link]")).to_have_attribute(
            "href", reverse("meeting", args=["rma", meeting.pk]))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    marc.screenshot(path=str(SCREENSHOTS / "date-poll-closed.png"), full_page=True)

    marc.goto(reverse("polls", args=["rma"]))
    assert_accessible(marc, "poll list")
    marc.goto(poll_path)
    assert_accessible(marc, "closed poll")


def test_the_report_pages_pass_axe(people: People, server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    facilitator = new_page(browser, server)
    sign_in(facilitator, people.facilitator.email)
    facilitator.goto(reverse("space", args=["rma"]))
    facilitator.get_by_role("link", name="Rapport d'activités").click()
    expect(facilitator.locator("svg[role=img]")).to_have_count(2)
    assert_accessible(facilitator, "space report")
    facilitator.get_by_label("Ou du").fill("2025-06-01")
    facilitator.get_by_label("au (inclus)").fill("2025-05-01")
    facilitator.get_by_role("button", name="Afficher ces dates").click()
    expect(facilitator.locator("[role=alert]")).to_contain_text(
        "La date de fin précède la date de début.")
    assert_accessible(facilitator, "space report with an error")

    staff = new_page(browser, server)
    sign_in(staff, people.staff.email)
    staff.get_by_role("link", name="Rapport d'activités").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(
        "Rapport d'activités de tous les espaces")
    assert_accessible(staff, "all-spaces report")
