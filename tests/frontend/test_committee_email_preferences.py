"""The email preferences page lists each committee inside its space's group, named as a
committee, and saves a committee's own choice like a space's."""

from __future__ import annotations

import re

import pytest

from communities.services.committees import create_committee
from emails.preferences import choices_of
from tests.clients import client_for
from tests.conftest import People

pytestmark = pytest.mark.django_db
URL = "/courriel/preferences/"


def test_committees_are_listed_inside_their_space(people: People) -> None:
    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité de planification", members=[people.member.pk])
    html = client_for(people.member).get(URL).content.decode()
    space_group = html.split("<legend>Réseau Municipalités accessibles</legend>", 1)[1]
    # The committee's fieldset is nested in its space's fieldset, before that one closes.
    inside = space_group.split("</fieldset>\n    </fieldset>", 1)[0]
    assert f'data-committee-preferences="{committee.pk}"' in inside
    assert "<legend>Comité : Comité de planification</legend>" in inside
    assert re.search(rf'name="space_{committee.pk}_digest"', inside)


def test_a_committee_choice_is_saved_on_its_own(people: People) -> None:
    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité de planification", members=[people.member.pk])
    page = client_for(people.member).post(URL, {
        "digest": "weekly", "notifications": "immediate",
        f"space_{people.space.pk}_digest": "", f"space_{committee.pk}_digest": "daily",
        f"space_{committee.pk}_muted": "on"})
    assert page.status_code == 302
    by_space = {line.space.pk: line for line in choices_of(people.member).spaces}
    assert (by_space[committee.pk].digest, by_space[committee.pk].notifications_muted) == (
        "daily", True)
    assert by_space[people.space.pk].digest == ""


def test_a_member_outside_the_committee_sees_no_committee_choice(people: People) -> None:
    create_committee(actor=people.facilitator, space=people.space,
                     name="Comité de planification", members=[people.member.pk])
    html = client_for(people.other_member).get(URL).content.decode()
    assert "planification" not in html and "data-committee-preferences" not in html
