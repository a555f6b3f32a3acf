"""In Chromium: the space page follows its committees live. A member outside the committee
sees it appear when the facilitators show it, marked archived then not, and vanish when hidden
again; a member of the committee keeps it, and learns of its archiving from the committee's
own stream even while it is hidden (the committee's page shows its archived notice too). No
page reloads; the list passes axe-core at 320 px."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.services.committees import (
    archive_committee,
    create_committee,
    set_committee_visibility,
    unarchive_committee,
)
from tests.browser.conftest import (
    SCREENSHOTS,
    WAIT_MS,
    assert_accessible,
    new_page,
    open_live,
    sign_in,
)
from tests.conftest import People

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_space_page_follows_its_committees_live(people: People, browser,
                                                    server: str) -> None:
    from playwright.sync_api import expect

    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité de planification", members=[people.member.pk])
    space_path = reverse("space", args=[people.space.slug])
    marc = new_page(browser, server, viewport={"width": 1366, "height": 768})
    noemie = new_page(browser, server, viewport={"width": 320, "height": 800})
    marc_committee = new_page(browser, server, viewport={"width": 1366, "height": 768})
    sign_in(marc, people.member.email)
    sign_in(noemie, people.other_member.email)
    sign_in(marc_committee, people.member.email)
    for page, path in ((marc, space_path), (noemie, space_path),
                       (marc_committee, reverse("space", args=[committee.slug]))):
        open_live(page, path)
        page.evaluate("window.__notReloaded = true")
    outside = noemie.locator("[data-committee-list]")
    inside = marc.locator("[data-committee-list]")
    expect(noemie.locator("[data-committees]")).to_be_hidden()
    expect(inside).to_contain_text("Comité de planification")

    set_committee_visibility(actor=people.facilitator, committee=committee, visible=True)
    expect(outside).to_be_visible(timeout=WAIT_MS)
    expect(outside).to_contain_text("Comité de planification")
    # A member outside the committee gets its name, not a link into it.
    expect(outside.get_by_role("link", name="Comité de planification")).to_have_count(0)
    assert_accessible(noemie, "space page with a committee shown live (320 px)")

    archive_committee(actor=people.facilitator, committee=committee)
    for page in (noemie, marc):
        expect(page.locator("[data-archived-flag]")).to_be_visible(timeout=WAIT_MS)
    expect(marc_committee.locator("[data-archived-notice]")).to_be_visible(timeout=WAIT_MS)
    unarchive_committee(actor=people.facilitator, committee=committee)
    for page in (noemie, marc):
        expect(page.locator("[data-archived-flag]")).to_be_hidden(timeout=WAIT_MS)
    expect(marc_committee.locator("[data-archived-notice]")).to_be_hidden(timeout=WAIT_MS)

    set_committee_visibility(actor=people.facilitator, committee=committee, visible=False)
    expect(noemie.locator("[data-committee]")).to_have_count(0, timeout=WAIT_MS)
    expect(noemie.locator("[data-committees]")).to_be_hidden()
    # Hidden from the space, archived: its member hears it on the committee's stream.
    archive_committee(actor=people.facilitator, committee=committee)
    expect(marc.locator("[data-archived-flag]")).to_be_visible(timeout=WAIT_MS)
    expect(inside.get_by_role("link", name="Comité de planification")).to_be_visible()
    noemie.wait_for_timeout(300)
    expect(noemie.locator("[data-committee]")).to_have_count(0)
    for page in (marc, noemie, marc_committee):
        assert page.evaluate("window.__notReloaded") is True


def test_email_preferences_group_committees_axe_clean_at_320px(people: People, browser,
                                                                server: str) -> None:
    from playwright.sync_api import expect

    create_committee(actor=people.facilitator, space=people.space,
                     name="Comité de planification", members=[people.member.pk])
    page = new_page(browser, server, viewport={"width": 320, "height": 800})
    sign_in(page, people.member.email)
    page.goto("/courriel/preferences/")
    group = page.get_by_role("group", name="Réseau Municipalités accessibles")
    expect(group.get_by_role("group", name="Comité : Comité de planification")).to_be_visible()
    # Reflow: nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page, "email preferences with a committee (320 px)")
    page.screenshot(path=str(SCREENSHOTS / "committee-preferences-320.png"), full_page=True)
