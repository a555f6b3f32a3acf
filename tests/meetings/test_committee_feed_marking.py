"""In a personal calendar feed a committee's meetings are marked as committee meetings
(CATEGORIES, and the organiser named with the committee and its space); the space's own
meetings are not; a member outside the committee never gets them; committee meetings cost
the feed no query each."""

from __future__ import annotations

from typing import Any

import pytest
import vobject
from django.test import Client
from django.urls import reverse

from communities.models import Space
from communities.services.committees import create_committee
from meetings.services.feeds import issue_calendar_feed
from meetings.services.scheduling import schedule_meeting
from tests.conftest import People
from tests.meetings.conftest import in_days
from tests.queries import queries_of

pytestmark = pytest.mark.django_db


def _schedule(people: People, space: Space, title: str, day: int) -> None:
    schedule_meeting(actor=people.facilitator, space=space, title=title,
                     starts_at=in_days(day), ends_at=in_days(day, 15, 0), mode="virtual",
                     video_url="https://zoom.us/j/123456")


def _events(token: str) -> dict[str, Any]:
    body = Client().get(reverse("calendar-feed", args=[token])).content.decode()
    return {event.summary.value: event
            for event in vobject.readOne(body).contents.get("vevent", [])}


def test_committee_meetings_are_marked_in_the_members_feed(people: People) -> None:
    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité de planification", members=[people.member.pk])
    _schedule(people, committee, "Préparer l'automne", 10)
    _schedule(people, people.space, "Rencontre du réseau", 12)
    events = _events(issue_calendar_feed(actor=people.member))
    marked, plain = events["Préparer l'automne"], events["Rencontre du réseau"]
    assert list(marked.categories.value) == ["Rencontre de comité", "Comité de planification"]
    assert marked.organizer.params["CN"] == [
        "Comité de planification (Réseau Municipalités accessibles)"]
    assert not hasattr(plain, "categories")
    assert plain.organizer.params["CN"] == ["Réseau Municipalités accessibles"]


def test_a_member_outside_the_committee_never_gets_its_meetings(people: People) -> None:
    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité de planification", members=[people.member.pk])
    _schedule(people, committee, "Préparer l'automne", 10)
    _schedule(people, people.space, "Rencontre du réseau", 12)
    events = _events(issue_calendar_feed(actor=people.other_member))
    assert set(events) == {"Rencontre du réseau"}
    assert "planification" not in str(next(iter(events.values())).serialize())


def test_committee_meetings_cost_the_feed_no_query_each(people: People) -> None:
    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité de planification", members=[people.member.pk])
    token = issue_calendar_feed(actor=people.member)
    _schedule(people, committee, "Première", 10)
    Client().get(reverse("calendar-feed", args=[token]))  # first request fills caches
    one = queries_of(lambda: Client().get(reverse("calendar-feed", args=[token])))
    _schedule(people, committee, "Deuxième", 11)
    _schedule(people, committee, "Troisième", 12)
    assert queries_of(lambda: Client().get(reverse("calendar-feed", args=[token]))) == one
