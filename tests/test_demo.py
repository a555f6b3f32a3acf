from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from communities import demo
from communities.models import Event, Membership, Message, Role, Space, Thread, User
from communities.regions import QUEBEC_REGIONS

# CI keeps a copy of shared/ beside the repository, as on the development machine.
REPORT = (Path(__file__).resolve().parents[2] / "shared" / "seed"
          / "rapport-activites-2023-2024.txt")

SLUGS = {"grandes-villes", "rma", "metaprisme", "voisins-solidaires", "mae", "accompagnement"}
ADVERTISED = {demo.STAFF_EMAIL, demo.FACILITATOR_EMAIL, demo.MEMBER1_EMAIL, demo.MEMBER2_EMAIL}


@pytest.fixture
def debug(settings: pytest.FixtureRequest) -> None:
    settings.DEBUG = True  # type: ignore[attr-defined]


def load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count()
            for model in (User, Space, Membership, Thread, Message, Event)}


def slugs_of(email: str, role: str | None = None) -> set[str]:
    memberships = Membership.objects.filter(user__email=email)
    if role is not None:
        memberships = memberships.filter(role=role)
    return set(memberships.values_list("space__slug", flat=True))


def test_the_six_communities_are_private_with_french_descriptions(db, debug):
    load()
    spaces = {space.slug: space for space in Space.objects.all()}
    assert set(spaces) == SLUGS
    for space in spaces.values():
        assert space.is_private
        assert space.name
        sentences = re.findall(r"[.!?](?:\s|$)", space.description)
        assert 2 <= len(sentences) <= 4, (space.slug, space.description)
        assert re.search(r"\b(les|des|et)\b", space.description), space.slug
    assert Event.objects.filter(kind="space.created",
                                actor__email=demo.STAFF_EMAIL).count() == 6


def test_the_advertised_accounts_have_their_documented_roles(db, debug):
    load()
    assert slugs_of(demo.FACILITATOR_EMAIL, Role.FACILITATOR) == SLUGS
    assert slugs_of(demo.MEMBER1_EMAIL, Role.MEMBER) == SLUGS
    assert slugs_of(demo.MEMBER2_EMAIL, Role.MEMBER) == SLUGS - {"accompagnement"}
    assert slugs_of(demo.STAFF_EMAIL) == set()
    assert list(User.objects.filter(is_staff=True).values_list("email", flat=True)) == [
        demo.STAFF_EMAIL
    ]
    for email in ADVERTISED:
        assert User.objects.get(email=email).check_password("espace-demo")


def test_a_dozen_more_members_with_plausible_profiles(db, debug):
    load()
    others = User.objects.exclude(email__in=ADVERTISED)
    assert others.filter(memberships__isnull=False).distinct().count() >= 12
    regions = dict(QUEBEC_REGIONS)
    for user in User.objects.all():
        assert user.display_name and user.organisation and user.title, user.email
        assert user.region in regions, user.email
    assert others.filter(language="en").exists()
    # Every space has people besides the three advertised accounts.
    for slug in SLUGS:
        assert Membership.objects.filter(space__slug=slug).exclude(
            user__email__in=ADVERTISED).count() >= 3, slug


def test_every_space_has_discussions_and_a_gapless_event_log(db, debug):
    load()
    for space in Space.objects.all():
        threads = Thread.objects.filter(space=space)
        assert threads.exists(), space.slug
        for thread in threads:
            messages = Message.objects.filter(thread=thread)
            assert thread.message_count == messages.count() >= 3
            assert messages.values("author").distinct().count() >= 2
        seqs = list(Event.objects.filter(space=space).order_by("seq")
                    .values_list("seq", flat=True))
        assert space.event_head > 0
        assert seqs == list(range(1, space.event_head + 1)), space.slug
    assert Message.objects.filter(html__contains="<li>").exists()
    assert Message.objects.filter(html__contains="<a href=").exists()


def test_running_twice_creates_nothing_new(db, debug):
    first = load()
    before = counts()
    second = load()
    assert counts() == before
    assert "créée" in first
    assert "rien de nouveau" in second


def test_it_refuses_to_run_without_debug_and_writes_nothing(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        load()
    assert set(counts().values()) == {0}


def test_every_demo_email_uses_the_example_domain(db, debug):
    assert all(p.email.endswith("@" + demo.DEMO_DOMAIN) for p in demo.PEOPLE)
    load()
    assert not User.objects.exclude(email__endswith="@exemple.qc.ca").exists()


def _normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def test_no_demo_person_is_named_in_the_activity_report():
    if not REPORT.exists():
        pytest.skip(f"rapport d'activités absent ({REPORT}) : vérification des noms impossible")
    report = _normalised(REPORT.read_text(encoding="utf-8"))
    named = [p.display_name for p in demo.PEOPLE if _normalised(p.display_name) in report]
    assert named == []
