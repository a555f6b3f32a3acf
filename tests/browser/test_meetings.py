"""End to end in Chromium: a facilitator schedules a meeting from the form, a member sees it
appear on the list and, on the meeting page, sees another member's answer arrive live; every
meeting page passes axe-core."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.formatting import format_span
from meetings.models import Meeting
from meetings.timezones import local
from tests.browser.conftest import (
    SCREENSHOTS,
    WAIT_MS,
    assert_accessible,
    open_live,
    sign_in,
)
from tests.conftest import People

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_schedule_then_an_answer_seen_live_and_axe_on_every_page(people: People, server: str,  # type: ignore[no-untyped-def]
                                                                 browser) -> None:
    from playwright.sync_api import expect

    day = local(timezone.now() + timedelta(days=9)).date().isoformat()
    facilitator = browser.new_context(base_url=server, locale="fr-CA").new_page()
    member = browser.new_context(base_url=server, locale="fr-CA").new_page()
    other = browser.new_context(base_url=server, locale="fr-CA").new_page()
    for page, person in ((facilitator, people.facilitator), (member, people.member),
                         (other, people.other_member)):
        sign_in(page, person.email)

    open_live(member, reverse("meetings", args=["rma"]))
    assert_accessible(member, "meetings list (empty)")

    facilitator.goto(reverse("space", args=["rma"]))
    facilitator.get_by_role("navigation", name="Sections de l’espace").get_by_role(
        "link", name="Rencontres").click()
    facilitator.get_by_role("link", name="Planifier une rencontre").click()
    expect(facilitator.get_by_role(
        "button", name="Planifier et inviter les membres")).to_be_visible()
    assert_accessible(facilitator, "schedule form")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    facilitator.screenshot(path=str(SCREENSHOTS / "meeting-form.png"), full_page=True)
    facilitator.get_by_label("Titre").fill("Rencontre virtuelle d'hiver")
    facilitator.get_by_label(re.compile(r"^Date\W*$")).fill(day)
    facilitator.get_by_label("Début").fill("13:30")
    facilitator.get_by_label(re.compile(r"^Fin\W*$")).fill("15:00")
    facilitator.get_by_label("Virtuelle").check()
    facilitator.get_by_label("Lien de visioconférence").fill("zoom.us/j/42")
    facilitator.get_by_label("Nombre de places").fill("1")
    facilitator.get_by_role("button", name="Planifier et inviter les membres").click()
    # Refused with the reason, nothing lost; then corrected.
    expect(facilitator.locator(".field-invalid")).to_contain_text("https://")
    expect(facilitator.get_by_label("Titre")).to_have_value("Rencontre virtuelle d'hiver")
    assert_accessible(facilitator, "schedule form with an error")
    facilitator.get_by_label("Lien de visioconférence").fill("https://zoom.us/j/42")
    facilitator.get_by_role("button", name="Planifier et inviter les membres").click()
    expect(facilitator.locator(".flash")).to_contain_text("Rencontre planifiée")
    meeting = Meeting.objects.get()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    # The member's list got it without a reload.
    expect(member.locator(f"#meeting-{meeting.pk}")).to_contain_text(
        "Rencontre virtuelle d'hiver", timeout=WAIT_MS)
    # meetings.js writes the time the way the server does (meetings/formatting.py).
    expect(member.locator(f"#meeting-{meeting.pk} time")).to_have_text(
        format_span(meeting.starts_at, meeting.ends_at, language="fr-ca"))

    member.screenshot(path=str(SCREENSHOTS / "meetings.png"), full_page=True)
    meeting_path = reverse("meeting", args=["rma", meeting.pk])
    open_live(member, meeting_path)
    member.evaluate("window.__notReloaded = true")
    expect(member.locator('[data-count="yes"]')).to_have_text("0")
    assert_accessible(member, "meeting page")

    other.goto(meeting_path)
    # One tap, answered in place: the button pressed is the answer given.
    other.get_by_role("button", name="Oui", exact=True).click()
    expect(other.locator("[data-rsvp-saved]")).to_contain_text("Votre réponse : oui.")
    expect(other.get_by_role("button", name="Oui", exact=True)).to_have_attribute(
        "aria-pressed", "true")

    expect(member.locator('[data-count="yes"]')).to_have_text("1", timeout=WAIT_MS)
    expect(member.locator('[data-names="yes"]')).to_contain_text("Noémie Membre")
    expect(member.locator("[data-notices]")).to_contain_text("Noémie Membre a répondu")
    assert member.evaluate("window.__notReloaded") is True

    # The last seat is taken: the member's "oui" waits, and the page says where.
    member.get_by_role("button", name="Oui", exact=True).click()
    expect(member.locator("[data-my-position]")).to_contain_text("position 1")
    expect(member.locator('[data-names-group="waiting"]')).to_be_visible()
    assert_accessible(member, "meeting page with the waiting list")

    member.screenshot(path=str(SCREENSHOTS / "meeting.png"), full_page=True)

    for path, name in (
        (reverse("meeting-edit", args=["rma", meeting.pk]), "edit form"),
        (reverse("meeting-cancel", args=["rma", meeting.pk]), "cancel form"),
        (reverse("meeting-attendance", args=["rma", meeting.pk]), "attendance form"),
        (reverse("calendar-feed-page"), "feed page"),
    ):
        facilitator.goto(path)
        assert_accessible(facilitator, name)
    facilitator.get_by_role("button", name="Créer mon adresse d'agenda").click()
    expect(facilitator.locator("#feed-url")).to_have_value(
        re.compile(r"/agenda/.+\.ics$"))
    assert_accessible(facilitator, "feed page with its URL")
