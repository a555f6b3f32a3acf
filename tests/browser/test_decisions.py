"""End to end in Chromium: a facilitator records a decision and two action items from a
meeting's page, the register shows them with links back to the meeting, and both pages pass
axe-core on a phone (390×844) and a desktop (1366×768)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from decisions.models import ActionItem, Decision
from tests.browser.conftest import SCREENSHOTS, assert_accessible, new_page, sign_in
from tests.conftest import People
from tests.decisions.helpers import in_days
from tests.meetings.conftest import make_past, schedule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def test_record_from_a_meeting_then_read_the_register(people: People, server: str,
                                                      browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    meeting = make_past(schedule(people, title="Comité de planification"))
    meeting_page = reverse("meeting", args=["rma", meeting.pk])
    register = reverse("decisions:register", args=["rma"])
    due = in_days(14).isoformat()

    page = new_page(browser, server, viewport=DESKTOP)
    sign_in(page, people.facilitator.email)
    page.goto(meeting_page)
    panel = page.locator("#decisions")
    expect(panel.get_by_role("heading", name="Décisions et suivis")).to_be_visible()
    assert_accessible(page, "meeting page with its decisions section (desktop)")

    panel.get_by_label(re.compile(r"^Décision\W*$")).fill(
        "Tenir la rencontre d'automne à Trois-Rivières")
    panel.get_by_role("button", name="Consigner la décision").click()
    expect(page.locator("[data-decisions]")).to_contain_text("Trois-Rivières")

    for what, who in (("Réserver la salle", "Marc Membre"),
                      ("Écrire l'invitation", "Noémie Membre")):
        panel = page.locator("#decisions")
        panel.get_by_label(re.compile(r"^Action à faire\W*$")).fill(what)
        panel.get_by_label(who).check()
        panel.get_by_label(re.compile(r"^Échéance\W*$")).fill(due)
        panel.get_by_role("button", name="Ajouter l'action").click()
        expect(page.locator("[data-actions]")).to_contain_text(what)

    assert Decision.objects.filter(meeting=meeting).count() == 1
    assert ActionItem.objects.filter(meeting=meeting).count() == 2

    page.get_by_role("navigation", name="Sections de l’espace").get_by_role(
        "link", name="Décisions et suivis").click()
    expect(page.get_by_role("heading", name="Décisions et suivis", level=1)).to_be_visible()
    actions = page.locator("[data-register-actions]")
    expect(actions).to_contain_text("Réserver la salle")
    expect(actions).to_contain_text("Écrire l'invitation")
    expect(page.locator("[data-register-decisions]").get_by_role(
        "link", name="Comité de planification")).to_have_attribute("href", meeting_page)
    assert_accessible(page, "register (desktop)")

    # Past its due date: the register flags it (and axe checks the flag's contrast).
    ActionItem.objects.filter(what="Réserver la salle").update(due_on=in_days(-1))
    phone = new_page(browser, server, viewport=PHONE)
    sign_in(phone, people.member.email)
    phone.goto(register + f"?assignee={people.member.pk}")
    expect(phone.locator("[data-register-actions]")).to_contain_text("Réserver la salle")
    expect(phone.locator("[data-register-actions]")).to_contain_text("En retard")
    expect(phone.locator("[data-register-actions]")).not_to_contain_text("Écrire l'invitation")
    assert_accessible(phone, "register filtered by assignee (phone)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "decisions-register-phone.png"), full_page=True)
    # The assignee marks it as started from the register.
    booked = ActionItem.objects.get(what="Réserver la salle").pk
    phone.locator(f"#action-{booked}").get_by_label("État").select_option("doing")
    phone.get_by_role("button", name="Enregistrer l'état de cette action").first.click()
    # Said in the row it happened in, which htmx replaced in place.
    expect(phone.locator(f"#action-{booked}").get_by_text(
        "L'état de l'action est enregistré.")).to_be_visible()
    assert ActionItem.objects.get(what="Réserver la salle").status == "doing"

    phone.goto(meeting_page)
    expect(phone.locator("[data-actions]")).to_contain_text("Réserver la salle")
    assert_accessible(phone, "meeting page with its decisions (phone)")
    # Reflow at 320 px: nothing scrolls sideways.
    phone.set_viewport_size({"width": 320, "height": 800})
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320
    phone.screenshot(path=str(SCREENSHOTS / "decisions-meeting-320.png"), full_page=True)
