"""The member's core journeys with the keyboard alone (Tab, Space, Enter and typing) on a
phone-sized window (390×844): vote in a date poll, answer a meeting's invitation, find a
message by search. Each ends in what the server stored or showed, not just in a click."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from communities.services.discussion import post_message, start_thread
from meetings.models import MeetingMode, PollVote, Rsvp
from meetings.services.polls import open_poll
from meetings.services.scheduling import schedule_meeting
from tests.browser.conftest import WAIT_MS, new_page, sign_in, tab_to
from tests.conftest import People
from tests.meetings.conftest import in_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _signed_in_phone(browser, server: str, people: People):  # type: ignore[no-untyped-def]
    page = new_page(browser, server, viewport=PHONE)
    sign_in(page, people.member.email)
    return page


def test_a_member_votes_in_a_date_poll_with_the_keyboard(people: People, server: str,  # type: ignore[no-untyped-def]
                                                        browser) -> None:
    from playwright.sync_api import expect

    poll = open_poll(actor=people.facilitator, space=people.space, title="Bilan de l'année",
                     mode=MeetingMode.VIRTUAL, video_url="https://meet.example/bilan",
                     slots=[(in_days(12), in_days(12, 15)), (in_days(13, 9), in_days(13, 10))],
                     notify_members=False)
    page = _signed_in_phone(browser, server, people)
    page.goto(reverse("poll", args=[people.space.slug, poll.pk]))
    # Tab enters each slot's group of answers on its first choice, "Oui"; Space takes it.
    for slot in poll.slots.order_by("starts_at"):
        tab_to(page, f"el.id === 'slot-{slot.pk}-yes'")
        page.keyboard.press("Space")
    tab_to(page, "el.matches('button[type=submit]') "
                 "&& el.textContent.includes('Enregistrer mes réponses')")
    page.keyboard.press("Enter")
    expect(page.locator(".flash-item").first).to_be_visible(timeout=WAIT_MS)
    answers = PollVote.objects.filter(slot__poll=poll, user=people.member)
    assert sorted(answers.values_list("answer", flat=True)) == ["yes", "yes"]


def test_a_member_answers_a_meeting_with_the_keyboard(people: People, server: str,  # type: ignore[no-untyped-def]
                                                     browser) -> None:
    from playwright.sync_api import expect

    meeting = schedule_meeting(actor=people.facilitator, space=people.space,
                               title="Rencontre d'automne du réseau", starts_at=in_days(6),
                               ends_at=in_days(6, 15), mode="virtual",
                               video_url="https://meet.example/automne")
    page = _signed_in_phone(browser, server, people)
    page.goto(reverse("meeting", args=[people.space.slug, meeting.pk]))
    # A one-tap "Oui" button, or the "Oui" choice of a form and its button: both are keyboard.
    yes = "el.matches('[name=answer][value=yes]')"
    tab_to(page, yes)
    if page.evaluate("document.activeElement.type === 'radio'"):
        page.keyboard.press("Space")
        tab_to(page, "el.matches('button[type=submit]')")
    page.keyboard.press("Enter")
    # The one-tap answer is sent in place and said in the page's status; a form sent without
    # the script comes back with a flash message.
    said = page.locator(".flash-item").or_(page.get_by_text("Votre réponse : oui"))
    expect(said.first).to_be_visible(timeout=WAIT_MS)
    assert Rsvp.objects.get(meeting=meeting, user=people.member).answer == "yes"


def test_a_member_finds_a_message_by_search_with_the_keyboard(people: People, server: str,  # type: ignore[no-untyped-def]
                                                             browser) -> None:
    from playwright.sync_api import expect

    started = start_thread(actor=people.facilitator, space=people.space,
                           title="Programme de l'automne",
                           body="Nos déjeuners-causeries reprennent en octobre.")
    found = post_message(actor=people.other_member, thread=started.thread,
                         body="La politique de déneigement des trottoirs de Gatineau est en "
                              "ligne.")
    page = _signed_in_phone(browser, server, people)
    # On a phone the header offers search as a button-sized link.
    tab_to(page, "el.matches('a.search-link')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/recherche/"))
    tab_to(page, "el.matches('input[type=search]') && el.offsetParent !== null")
    page.keyboard.type("déneigement")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=d%C3%A9neigement|q=déneigement"))
    tab_to(page, "el.matches('.search-result a') "
                 "&& el.textContent.includes('Programme de l')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/fils/{started.thread.pk}/"))
    expect(page.locator(f"#message-{found.message.pk}")).to_be_in_viewport(timeout=WAIT_MS)
