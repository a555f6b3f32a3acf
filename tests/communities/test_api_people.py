"""The directory and profiles through the JSON API: the same people, the same address rules
and the same refusals as the pages."""

from __future__ import annotations

import pytest

from communities.models import MemberKind
from communities.services.profiles import ProfileInput, update_profile
from tests.clients import Personas
from tests.conftest import People

pytestmark = pytest.mark.django_db


def test_the_directory_api_searches_without_accents_and_hides_addresses(
        people: People, api: Personas) -> None:
    update_profile(actor=people.member, user=people.member, data=ProfileInput(
        display_name="Marc Bélanger", organisation="Ville de Laval", region="13",
        kind=MemberKind.ELECTED, expertise=["Parcs"]))
    page = api.other_member.get("/api/v1/people?q=BELANGER").json()
    assert page["total"] == 1
    [marc] = page["people"]
    assert (marc["display_name"], marc["region"], marc["kind"], marc["expertise"]) == (
        "Marc Bélanger", "13", "elected", ["Parcs"])
    assert marc["email"] is None and marc["photo_url"] is None and marc["initials"] == "MB"
    as_facilitator = api.facilitator.get(f"/api/v1/people/{people.member.pk}").json()
    assert as_facilitator["email"] == people.member.email


def test_the_directory_api_filters_and_refuses_bad_paging(people: People,
                                                          api: Personas) -> None:
    update_profile(actor=people.member, user=people.member, data=ProfileInput(
        display_name="Marc Membre", region="13"))
    assert api.other_member.get("/api/v1/people?region=13").json()["total"] == 1
    assert api.other_member.get("/api/v1/people?space=rma").json()["total"] == 3
    for url in ["/api/v1/people?limit=0", "/api/v1/people?offset=-1",
                "/api/v1/people?offset=99999999999", "/api/v1/people?expertise=abc",
                "/api/v1/people?q=%00"]:
        answer = api.other_member.get(url)
        assert answer.status_code == 400, url
        assert answer.json()["message"], url
    assert api.other_member.get("/api/v1/people/999999999999999999999").status_code == 404
