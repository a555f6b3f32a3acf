"""Law 25: someone who shares no space with a member sees nothing of them anywhere: no name,
no photo, no organisation, no address, on any page, API endpoint, search or calendar feed (the
websocket side is tests/realtime/test_people_privacy_socket.py). Signed-out visitors see
nothing personal at all. The places are enumerated here, so a new one is added to the list."""

from __future__ import annotations

import html
import io

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from communities.models import User
from communities.services.profiles import ProfileInput, set_photo, update_profile
from meetings.services.feeds import issue_calendar_feed
from tests.clients import api_client_for, client_for
from tests.communities.test_profile_photos import photo_with_gps
from tests.conftest import People
from tests.docs_store.conftest import Backend, fs_backend  # noqa: F401
from tests.meetings.conftest import schedule

pytestmark = pytest.mark.django_db

SECRET_BITS = ["Marc Membre", "Ville de Laval", "marc@exemple.qc.ca", "Granby",
               "Spécialiste des parcs"]


@pytest.fixture
def exposed(people: People, talk: dict, fs_backend: Backend) -> dict[str, str]:  # noqa: F811 (fixture imported above)
    """A member with a full profile, a photo, messages, a meeting they answered: every
    place their name could surface exists."""
    member = people.member
    update_profile(actor=member, user=member, data=ProfileInput(
        display_name="Marc Membre", organisation="Ville de Laval", municipality="Granby",
        region="05", kind="elected", title="Spécialiste des parcs", email_visible=True,
        expertise=["Parcs"]))
    with TestCase.captureOnCommitCallbacks(execute=True):
        set_photo(actor=member, user=member, upload=io.BytesIO(photo_with_gps()))
    member.refresh_from_db()
    meeting = schedule(people)
    token = member.photo.rsplit("/", 1)[-1].removesuffix(".jpg")
    thread = talk["lunch"].thread_id
    return {
        "profile": reverse("profile", args=[member.pk]),
        "photo": reverse("profile-photo", args=[member.pk, token]),
        "contact": reverse("profile-contact", args=[member.pk]),
        "members": reverse("members", args=["rma"]),
        "space directory": reverse("space-directory", args=["rma"]),
        "members csv": reverse("members-csv", args=["rma"]),
        "space": reverse("space", args=["rma"]),
        "thread": reverse("thread", args=["rma", thread]),
        "meeting": reverse("meeting", args=["rma", meeting.pk]),
        "search in the space": reverse("search") + "?q=Marc&space=rma",
    }


def _shows_nothing_of_marc(text: str) -> None:
    text = html.unescape(text)
    for bit in SECRET_BITS:
        assert bit not in text, bit


def test_an_outsider_gets_not_found_for_every_page_of_a_member(people: People,
                                                               exposed: dict[str, str]) -> None:
    outsider = client_for(people.outsider)
    for place, url in exposed.items():
        answer = outsider.get(url)
        assert answer.status_code == 404, place
        _shows_nothing_of_marc(answer.content.decode())


def test_an_outsider_finds_nobody_in_the_directory_or_the_search(
        people: People, exposed: dict[str, str]) -> None:
    outsider = client_for(people.outsider)
    for url in [reverse("directory"), reverse("directory") + "?q=marc",
                reverse("directory") + "?region=05", reverse("search") + "?q=Marc",
                reverse("search") + "?q=Laval", reverse("my-spaces")]:
        answer = outsider.get(url)
        assert answer.status_code == 200, url
        _shows_nothing_of_marc(answer.content.decode())


def test_an_outsider_reads_nothing_of_a_member_through_the_api(
        people: People, exposed: dict[str, str], talk: dict) -> None:
    api = api_client_for(people.outsider)
    thread = talk["lunch"].thread_id
    for url, allowed in [("/api/v1/spaces", {200}), ("/api/v1/spaces/rma/threads", {404}),
                         ("/api/v1/spaces/rma/events?after=0", {404}),
                         (f"/api/v1/threads/{thread}", {404}),
                         ("/api/v1/search?q=Marc", {200}), ("/api/v1/search?q=Laval", {200}),
                         ("/api/v1/search?q=Marc&space=rma", {404}),
                         ("/api/v1/people", {200}), ("/api/v1/people?q=marc", {200}),
                         ("/api/v1/people?space=rma", {404}),
                         (f"/api/v1/people/{people.member.pk}", {404})]:
        answer = api.get(url)
        assert answer.status_code in allowed, (url, answer.status_code)
        _shows_nothing_of_marc(answer.content.decode())


def test_an_outsider_s_calendar_feed_names_nobody(people: People,
                                                  exposed: dict[str, str]) -> None:
    token = issue_calendar_feed(actor=people.outsider)
    answer = Client().get(reverse("calendar-feed", args=[token]))
    assert answer.status_code == 200
    _shows_nothing_of_marc(answer.content.decode())


def test_signed_out_visitors_see_nothing_personal(people: People,
                                                  exposed: dict[str, str]) -> None:
    anonymous = Client()
    for place, url in [*exposed.items(), ("directory", reverse("directory")),
                       ("my profile", reverse("profile-edit"))]:
        answer = anonymous.get(url)
        assert answer.status_code in {302, 404}, place
        if answer.status_code == 302:
            assert answer["Location"].startswith(reverse("login")), place
        _shows_nothing_of_marc(answer.content.decode())
    for url in ["/api/v1/spaces", "/api/v1/people", f"/api/v1/people/{people.member.pk}"]:
        assert anonymous.get(url).status_code == 401, url
    assert anonymous.get("/personnes/99999999999999999999999/").status_code == 302


def test_a_member_who_left_every_shared_space_is_no_longer_visible(
        people: People, exposed: dict[str, str]) -> None:
    from communities.services.spaces import leave_space

    viewer = client_for(people.other_member)
    assert viewer.get(exposed["profile"]).status_code == 200
    leave_space(actor=User.objects.get(pk=people.member.pk), space=people.space)
    for place in ["profile", "photo", "contact"]:
        assert viewer.get(exposed[place]).status_code == 404, place
