"""The demo's planning committee of Voisins solidaires, and its answered question."""

from __future__ import annotations

import pytest

from tests.demo.test_load_demo import load, media  # noqa: F401  (the storage fixture)


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def test_voisins_solidaires_has_its_planning_committee_of_five(db, debug):
    from communities.models import Membership, Space

    load()
    committee = Space.objects.get(parent__slug="voisins-solidaires",
                                  name="Comité de planification")
    members = Membership.objects.filter(space=committee)
    assert members.count() == 5
    parent = set(Membership.objects.filter(space__slug="voisins-solidaires")
                 .values_list("user_id", flat=True))
    assert set(members.values_list("user_id", flat=True)) <= parent
    assert committee.threads.exists()
    answered = Space.objects.get(slug="voisins-solidaires").threads.get(is_question=True)
    assert answered.answer_id is not None
