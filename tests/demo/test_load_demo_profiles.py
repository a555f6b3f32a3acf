"""The demo people have profiles the directory can search and filter."""

from __future__ import annotations

import pytest

from communities.models import ExpertiseTag, MemberKind, User
from demo.content import PEOPLE
from tests.demo.test_load_demo import debug, load, media  # noqa: F401

pytestmark = pytest.mark.django_db


def test_every_demo_person_has_a_kind_and_the_staff_list_exists(debug, media) -> None:  # noqa: F811 (fixture imported above)
    load()
    emails = [seed.email for seed in PEOPLE]
    assert not User.objects.filter(email__in=emails, kind="").exists()
    belanger = User.objects.get(display_name="Chantal Bélanger")
    assert (belanger.kind, belanger.municipality) == (MemberKind.MUNICIPAL_STAFF, "Sherbrooke")
    assert belanger.expertise.filter(name="Développement social").exists()
    assert ExpertiseTag.objects.filter(listed=True).count() >= 8
