"""End to end in Chromium: a member with the space page and the meetings list open sees a
date poll appear when a facilitator opens it, its count of answers grow as people answer, and
the poll leave both lists when it closes, without reloading (poll.opened / voted / closed)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetings.models import MeetingMode
from meetings.services.polls import close_without_date, open_poll, pick_slot, vote
from tests.browser.conftest import WAIT_MS, assert_accessible, new_page, open_live, sign_in
from tests.conftest import People
from tests.meetings.conftest import in_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _poll(people: People, title: str):  # type: ignore[no-untyped-def]
    return open_poll(actor=people.facilitator, space=people.space, title=title,
                     mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1",
                     slots=[(in_days(12), in_days(12, 15)), (in_days(13), in_days(13, 15))],
                     notify_members=False)


def test_open_polls_appear_count_and_close_live_on_the_space_page_and_meetings_list(
        people: People, server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    earlier = _poll(people, "Bilan de l'automne")
    vote(actor=people.member, poll=earlier,
         answers={slot.pk: "yes" for slot in earlier.slots.all()})
    space_page = new_page(browser, server)
    meetings_page = new_page(browser, server)
    sign_in(space_page, people.other_member.email)
    sign_in(meetings_page, people.other_member.email)
    open_live(space_page, reverse("space", args=["rma"]))
    open_live(meetings_page, reverse("meetings", args=["rma"]))
    pages = (space_page, meetings_page)
    for page in pages:  # rendered by the server
        expect(page.locator(f"#open-poll-{earlier.pk}")).to_contain_text("1 réponse")

    winter = _poll(people, "Rencontre d'hiver")
    for page in pages:
        row = page.locator(f"#open-poll-{winter.pk}")
        expect(row).to_contain_text("Rencontre d'hiver", timeout=WAIT_MS)
        expect(row).to_contain_text("0 réponse")
        expect(row.get_by_role("link", name="Rencontre d'hiver")).to_have_attribute(
            "href", reverse("poll", args=["rma", winter.pk]))
    expect(space_page.locator("[data-live-region]")).to_contain_text(
        "Nouveau sondage de dates : « Rencontre d'hiver »")
    expect(meetings_page.locator("[data-notices]")).to_contain_text(
        "Nouveau sondage de dates : « Rencontre d'hiver »")
    assert_accessible(space_page, "space page with open polls")

    slots = list(winter.slots.values_list("pk", flat=True))
    vote(actor=people.member, poll=winter, answers={slots[0]: "yes", slots[1]: "no"})
    vote(actor=people.facilitator, poll=winter, answers={slots[0]: "yes", slots[1]: "yes"})
    for page in pages:
        expect(page.locator(f"#open-poll-{winter.pk}")).to_contain_text("2 réponses",
                                                                        timeout=WAIT_MS)

    close_without_date(actor=people.facilitator, poll=earlier)
    for page in pages:
        expect(page.locator(f"#open-poll-{earlier.pk}")).to_have_count(0, timeout=WAIT_MS)
        expect(page.locator("[data-open-polls-section]")).to_be_visible()
    pick_slot(actor=people.facilitator, poll=winter, slot_id=slots[0])
    for page in pages:
        expect(page.locator(f"#open-poll-{winter.pk}")).to_have_count(0, timeout=WAIT_MS)
        expect(page.locator("[data-open-polls-section]")).to_be_hidden()
    expect(meetings_page.locator("[data-notices]")).to_contain_text(
        "Le sondage « Rencontre d'hiver » est fermé")
    # The meeting the poll scheduled arrives on the list as any other (meeting.scheduled).
    expect(meetings_page.locator("[data-meeting-list]")).to_contain_text("Rencontre d'hiver",
                                                                         timeout=WAIT_MS)
