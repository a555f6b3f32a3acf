"""Who reaches decisions and action items, persona by persona: the register, its CSV and the
API answer members and staff, and a removed member or an outsider as for an unknown space."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.models import Membership
from decisions.services import records
from tests.clients import api_client_for, client_for
from tests.conftest import People
from tests.decisions.helpers import an_action, held_meeting, in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(people: People) -> None:
    meeting = held_meeting(people)
    records.record_decision(actor=people.facilitator, space=people.space, meeting=meeting,
                            text="Adopter le plan", decided_on=in_days(0))
    an_action(people, meeting)


@pytest.mark.parametrize(("who", "status"), [
    ("facilitator", 200), ("member", 200), ("other_member", 200), ("staff", 200),
    ("outsider", 404), ("removed", 404),
])
def test_register_csv_and_api_by_persona(people: People, recorded: None, who: str,
                                         status: int) -> None:
    if who == "removed":
        Membership.objects.filter(user=people.other_member).delete()
        user = people.other_member
    else:
        user = getattr(people, who)
    web = client_for(user)
    api = api_client_for(user)
    register = web.get(reverse("decisions:register", args=["rma"]))
    assert register.status_code == status
    assert web.get(reverse("decisions:export", args=["rma"])).status_code == status
    assert api.get("/api/v1/spaces/rma/decisions").status_code == status
    assert api.get("/api/v1/spaces/rma/actions").status_code == status
    if status == 404:
        assert "Adopter le plan" not in register.content.decode()
        assert "Réseau Municipalités accessibles" not in register.content.decode()


def test_only_facilitators_see_the_delete_buttons(people: People, recorded: None) -> None:
    register = reverse("decisions:register", args=["rma"])
    assert "cette décision" in client_for(people.facilitator).get(register).content.decode()
    assert "cette décision" not in client_for(people.member).get(register).content.decode()
