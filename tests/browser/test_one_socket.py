"""End to end in Chromium: a poll's page with its live results, and the space page and the
meetings list with their live open-polls list, each hold exactly one websocket, opened by the
same socket core, and what crosses it still updates them (poll.opened, poll.voted)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from meetings.models import MeetingMode
from meetings.services.polls import open_poll, vote
from tests.browser.conftest import WAIT_MS, new_page, open_live, sign_in
from tests.conftest import People
from tests.meetings.conftest import in_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CORE = "/static/frontend/live/core.js"


def _poll(people: People, title: str):  # type: ignore[no-untyped-def]
    return open_poll(actor=people.facilitator, space=people.space, title=title,
                     mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1",
                     slots=[(in_days(12), in_days(12, 15)), (in_days(13), in_days(13, 15))],
                     notify_members=False)


def _watched(page) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """The websockets the page opens and the scripts it loads, as they happen."""
    sockets: list[str] = []
    scripts: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.on("request", lambda request: scripts.append(request.url)
            if request.resource_type == "script" else None)
    return sockets, scripts


def test_poll_results_and_open_polls_lists_each_use_the_one_socket_core(
        people: People, server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    winter = _poll(people, "Rencontre d'hiver")
    slots = list(winter.slots.values_list("pk", flat=True))
    poll_page = new_page(browser, server)
    space_page = new_page(browser, server)
    meetings_page = new_page(browser, server)
    for page in (poll_page, space_page, meetings_page):
        sign_in(page, people.other_member.email)
        # The home page it lands on follows the bell live with a socket of its own: counted
        # from here, each page below is seen with its one socket.
        expect(page.locator("[data-inbox-bell][data-live]")).to_have_count(1, timeout=WAIT_MS)
    watched = {page: _watched(page) for page in (poll_page, space_page, meetings_page)}

    poll_page.goto(reverse("poll", args=["rma", winter.pk]))
    expect(poll_page.locator("[data-poll-status][data-live=on]")).to_have_count(
        1, timeout=WAIT_MS)
    open_live(space_page, reverse("space", args=["rma"]))
    open_live(meetings_page, reverse("meetings", args=["rma"]))

    # An answer reaches the poll's results and both open-polls lists.
    vote(actor=people.member, poll=winter, answers={slots[0]: "yes", slots[1]: "no"})
    expect(poll_page.locator(f'[data-tally="{slots[0]}-yes"]')).to_have_text(
        "1", timeout=WAIT_MS)
    expect(poll_page.locator("[data-poll-status]")).to_have_text("1 personne a répondu.")
    expect(poll_page.locator("[data-poll-region]")).to_contain_text(
        "Marc Membre a répondu au sondage.")
    for page in (space_page, meetings_page):
        expect(page.locator(f"#open-poll-{winter.pk}")).to_contain_text(
            "1 réponse", timeout=WAIT_MS)

    # A poll opened meanwhile joins the lists over the same connection.
    spring = _poll(people, "Rencontre du printemps")
    for page in (space_page, meetings_page):
        expect(page.locator(f"#open-poll-{spring.pk}")).to_contain_text(
            "Rencontre du printemps", timeout=WAIT_MS)

    for page, (sockets, scripts) in watched.items():
        assert len(sockets) == 1, (page.url, sockets)
        assert sockets[0].endswith("/ws/")
        assert [url for url in scripts if url.endswith(CORE)], (page.url, scripts)
        # No page loads a second live script of its own beside the core's modules.
        assert not [url for url in scripts if url.endswith(("/live.js", "/poll.js"))
                    and "/frontend/live/" not in url], scripts
