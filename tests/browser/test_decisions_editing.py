"""End to end in Chromium on a phone (390×844): a facilitator edits a decision and an action
in place in the register (no page change), is refused in French without losing what was
typed, marks the action done and undone with the keyboard's focus kept on the button, and
the register is axe-clean with a row open for editing and after."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from decisions.models import ActionItem, ActionStatus, Decision
from decisions.services import records
from tests.browser.conftest import SCREENSHOTS, WAIT_MS, assert_accessible, new_page, sign_in
from tests.conftest import People
from tests.decisions.helpers import an_action, held_meeting, in_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "laptop"])
def test_edit_a_decision_and_an_action_in_place(people: People, server: str, browser,
                                                viewport: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    meeting = held_meeting(people)
    decision = records.record_decision(actor=people.facilitator, space=people.space,
                                       meeting=meeting, text="Adopter le plan 2025",
                                       decided_on=in_days(-1))
    action = an_action(people, meeting)
    page = new_page(browser, server, viewport=viewport)
    sign_in(page, people.facilitator.email)
    page.goto(reverse("decisions:register", args=["rma"]))
    page.evaluate("window.sameDocument = true")
    width = viewport["width"]

    # The decision: "Modifier" opens the form in its row, the text focused.
    row = page.locator(f"#decision-{decision.pk}")
    row.get_by_role("link", name="Modifier cette décision").click()
    text = row.get_by_label(re.compile(r"^Décision\W*$"))
    expect(text).to_be_focused(timeout=WAIT_MS)
    assert_accessible(page, f"register with a decision in edit at {width}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"decision-edit-{width}.png"), full_page=True)

    # Emptied: refused in French, in place, the date kept.
    text.fill("   ")
    row.get_by_role("button", name="Enregistrer la modification").click()
    expect(row).to_contain_text("Écrivez la décision.", timeout=WAIT_MS)
    expect(row.get_by_label(re.compile(r"^Date de la décision\W*$"))).to_have_value(
        in_days(-1).isoformat())
    assert Decision.objects.get().text == "Adopter le plan 2025"

    text = row.get_by_label(re.compile(r"^Décision\W*$"))
    text.fill("Adopter le plan 2026 et le publier")
    row.get_by_role("button", name="Enregistrer la modification").click()
    expect(row).to_contain_text("Adopter le plan 2026 et le publier", timeout=WAIT_MS)
    expect(row.get_by_role("link", name="Modifier cette décision")).to_be_focused()
    expect(page.locator("[data-records-announce]")).to_have_text("La décision est modifiée.",
                                                                 timeout=WAIT_MS)
    assert Decision.objects.get().text == "Adopter le plan 2026 et le publier"

    # The action: text, assignee and due date; a date in the past is refused, what was
    # typed stays.
    row = page.locator(f"#action-{action.pk}")
    row.get_by_role("link", name="Modifier cette action").click()
    what = row.get_by_label(re.compile(r"^Action à faire\W*$"))
    expect(what).to_be_focused(timeout=WAIT_MS)
    what.fill("Envoyer le gabarit révisé")
    row.get_by_label("Marc Membre").uncheck()
    row.get_by_label("Noémie Membre").check()
    due = row.get_by_label(re.compile(r"^Échéance\W*$"))
    due.fill(in_days(-2).isoformat())
    row.get_by_role("button", name="Enregistrer la modification").click()
    expect(row).to_contain_text("déjà passée", timeout=WAIT_MS)
    expect(row.get_by_label(re.compile(r"^Action à faire\W*$"))).to_have_value(
        "Envoyer le gabarit révisé")
    expect(row.get_by_label("Noémie Membre")).to_be_checked()
    assert ActionItem.objects.get().what == "Envoyer le gabarit de politique"
    row.get_by_label(re.compile(r"^Échéance\W*$")).fill(in_days(21).isoformat())
    row.get_by_role("button", name="Enregistrer la modification").click()
    expect(row).to_contain_text("Envoyer le gabarit révisé", timeout=WAIT_MS)
    expect(row).to_contain_text("Noémie Membre")
    expect(row.locator("form.record-edit")).to_have_count(0)
    stored = ActionItem.objects.get()
    assert [u.pk for u in stored.assignees.all()] == [people.other_member.pk]
    assert stored.due_on == in_days(21)

    # Done, then undone, in place; the focus stays on the button that changed its words.
    row.get_by_role("button", name=re.compile("^Marquer comme fait")).click()
    expect(row.get_by_role("button", name=re.compile("^Remettre à faire"))).to_be_focused(
        timeout=WAIT_MS)
    expect(row.locator(".badge-done")).to_have_text("Fait")
    assert ActionItem.objects.get().status == ActionStatus.DONE
    page.keyboard.press("Enter")
    expect(row.get_by_role("button", name=re.compile("^Marquer comme fait"))).to_be_focused(
        timeout=WAIT_MS)
    assert ActionItem.objects.get().status == ActionStatus.TODO

    assert page.evaluate("window.sameDocument") is True
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert_accessible(page, f"register after editing in place at {width}")
    page.screenshot(path=str(SCREENSHOTS / f"decisions-register-{width}.png"), full_page=True)
    page.context.close()


def test_without_javascript_the_edit_page_works_on_a_phone(people: People, server: str,
                                                           browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    action = an_action(people, held_meeting(people))
    context = browser.new_context(base_url=server, locale="fr-CA", viewport=PHONE,
                                  java_script_enabled=False)
    page = context.new_page()
    sign_in(page, people.facilitator.email)
    register = reverse("decisions:register", args=["rma"])
    page.goto(register)
    page.locator(f"#action-{action.pk}").get_by_role("link", name="Modifier cette action").click()
    expect(page.get_by_role("heading", name="Modifier l'action", level=1)).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "action-edit-page-390.png"), full_page=True)
    page.get_by_label(re.compile(r"^Action à faire\W*$")).fill("")
    page.get_by_role("button", name="Enregistrer la modification").click()
    expect(page.get_by_text("Écrivez ce qu'il faut faire.")).to_be_visible()
    page.get_by_label(re.compile(r"^Action à faire\W*$")).fill("Publier le gabarit")
    page.get_by_role("button", name="Enregistrer la modification").click()
    page.wait_for_url(f"**{register}")
    expect(page.get_by_text("L'action est modifiée.")).to_be_visible()
    expect(page.locator(f"#action-{action.pk}")).to_contain_text("Publier le gabarit")
    context.close()
