"""The personal calendar feed: a secret URL, stored as a hash, revocable, and limited to the
spaces the person still belongs to."""

from __future__ import annotations

import pytest
import vobject
from django.test import Client
from django.urls import reverse

from communities.secrets import hash_secret
from communities.services.spaces import leave_space
from meetings.models import CalendarFeed, Meeting
from meetings.services.feeds import issue_calendar_feed, revoke_calendar_feed
from meetings.services.scheduling import cancel_meeting
from tests.clients import client_for
from tests.conftest import People
from tests.meetings.conftest import schedule

pytestmark = pytest.mark.django_db


def fetch(token: str) -> tuple[int, bytes]:
    response = Client().get(reverse("calendar-feed", args=[token]))
    return response.status_code, response.content


def uids(body: bytes) -> set[str]:
    calendar = vobject.readOne(body.decode(), validate=True)
    return {event.uid.value for event in calendar.contents.get("vevent", [])}


def test_the_feed_lists_the_member_s_meetings_without_a_session(meeting: Meeting,
                                                                people: People) -> None:
    token = issue_calendar_feed(actor=people.member)
    status, body = fetch(token)
    assert status == 200
    assert uids(body) == {meeting.ics_uid}
    # Only the hash is kept.
    feed = CalendarFeed.objects.get(user=people.member)
    assert feed.token_hash == hash_secret(token) and token not in feed.token_hash


def test_cancelled_meetings_stay_in_the_feed_marked_cancelled(meeting: Meeting,
                                                              people: People) -> None:
    token = issue_calendar_feed(actor=people.member)
    cancel_meeting(actor=people.facilitator, meeting=meeting)
    _status, body = fetch(token)
    event = vobject.readOne(body.decode()).vevent
    assert event.status.value == "CANCELLED"


def test_a_revoked_token_is_refused(meeting: Meeting, people: People) -> None:
    token = issue_calendar_feed(actor=people.member)
    assert revoke_calendar_feed(actor=people.member)
    assert fetch(token)[0] == 404


def test_regenerating_stops_the_old_url(meeting: Meeting, people: People) -> None:
    old = issue_calendar_feed(actor=people.member)
    new = issue_calendar_feed(actor=people.member)
    assert fetch(old)[0] == 404
    assert fetch(new)[0] == 200


def test_leaving_a_space_removes_its_meetings_from_the_feed(meeting: Meeting,
                                                            people: People) -> None:
    token = issue_calendar_feed(actor=people.member)
    leave_space(actor=people.member, space=people.space)
    status, body = fetch(token)
    assert status == 200
    assert uids(body) == set()


def test_unknown_tokens_and_deactivated_accounts_get_404(meeting: Meeting,
                                                         people: People) -> None:
    assert fetch("pas-un-jeton")[0] == 404
    token = issue_calendar_feed(actor=people.member)
    people.member.is_active = False
    people.member.save()
    assert fetch(token)[0] == 404


def test_other_spaces_meetings_are_not_in_the_feed(people: People) -> None:
    from communities.models import Membership, Role, Space

    other = Space.objects.create(slug="autre", name="Autre réseau")
    Membership.objects.create(space=other, user=people.facilitator, role=Role.FACILITATOR)
    from meetings.services.scheduling import schedule_meeting
    from tests.meetings.conftest import in_days

    elsewhere = schedule_meeting(actor=people.facilitator, space=other, title="Ailleurs",
                                 starts_at=in_days(4), ends_at=in_days(4, 15), mode="virtual",
                                 video_url="https://meet.example/a")
    ours = schedule(people)
    token = issue_calendar_feed(actor=people.member)
    assert uids(fetch(token)[1]) == {ours.ics_uid}
    assert elsewhere.ics_uid in uids(fetch(issue_calendar_feed(actor=people.facilitator))[1])


def test_the_feed_page_shows_the_url_once_and_can_turn_it_off(people: People) -> None:
    client = client_for(people.member)
    page = client.get(reverse("calendar-feed-page"))
    assert page.status_code == 200 and page["Cache-Control"] == "private, no-store"
    created = client.post(reverse("calendar-feed-page"), {"action": "issue"})
    url = created.context["new_url"]
    assert created.context["webcal_url"] == "webcal://" + url.split("://", 1)[1]
    assert "/agenda/" in url and url.endswith(".ics")
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert fetch(token)[0] == 200
    assert url not in client.get(reverse("calendar-feed-page")).content.decode()
    client.post(reverse("calendar-feed-page"), {"action": "revoke"})
    assert fetch(token)[0] == 404
