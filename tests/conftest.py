"""Shared fixtures: the people of a community of practice, and the services the tests need.

PostgreSQL and Redis come from DATABASE_URL and REDIS_URL. On a laptop without them the tests
that need them are skipped with the reason; with CI=true a missing service fails the run, and
so does any test that skips: in CI every test runs.

Personas (in the style of healthchecks' alice, bob and charlie): ``people`` is one community
of practice with a facilitator, two members, an outsider and a staff member; ``web`` and
``api`` give each of them a signed-in browser or an API client (``tests/clients.py``).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from communities.models import Membership, Message, Role, Space, User
from communities.services.discussion import post_message, start_thread
from tests.clients import PASSWORD, Personas, api_client_for, client_for
from tests.smtp import smtp_mailbox, smtp_server  # noqa: F401  (fixtures for every test)

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or default_port),
                                      timeout=2):
            return True
    except OSError:
        return False


def _services() -> dict[str, str | None]:
    """Marker name -> None when available, else why not."""
    problems: dict[str, str | None] = {"postgres": None, "redis": None}
    db_url = os.environ.get("DATABASE_URL", "")
    if not db_url.startswith("postgres"):
        problems["postgres"] = "PostgreSQL absent : définissez DATABASE_URL=postgres://..."
    elif not _reachable(db_url, 5432):
        problems["postgres"] = f"PostgreSQL injoignable à {urlsplit(db_url).netloc}"
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        problems["redis"] = "Redis absent : définissez REDIS_URL=redis://..."
    elif not _reachable(redis_url, 6379):
        problems["redis"] = f"Redis injoignable à {urlsplit(redis_url).netloc}"
    return problems


SERVICE_PROBLEMS = _services()


def pytest_configure(config: pytest.Config) -> None:
    missing = {name: why for name, why in SERVICE_PROBLEMS.items() if why}
    if IN_CI and missing:
        raise pytest.UsageError("CI=true but services are missing: " + "; ".join(missing.values()))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """With CI=true a skip is a failure: a test that cannot run there is a test nobody runs."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped with CI=true, where every test must run: {reason}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for name, why in SERVICE_PROBLEMS.items():
            if why and item.get_closest_marker(name):
                item.add_marker(pytest.mark.skip(reason=why))


@pytest.fixture(autouse=True)
def _test_settings(settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    # Tests post in bursts; the limit has tests of its own that turn it back on.
    settings.POST_RATE_LIMIT = 0  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """django-allauth counts its rate limits in the cache, which outlives a test: one test's
    burst of sign-ins must not be held against the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _french_by_default() -> Iterator[None]:
    """Every test starts in French, the product's language: a page rendered for an English
    reader leaves English active in the thread, and a later test's French assertions would
    then depend on the order the tests ran in."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@dataclass
class People:
    """One community of practice and the people around it."""

    space: Space
    facilitator: User
    member: User
    other_member: User
    outsider: User
    staff: User


def make_user(email: str, name: str, **extra: object) -> User:
    return User.objects.create_user(email, PASSWORD, display_name=name, **extra)


@pytest.fixture
def people(db: None) -> People:
    space = Space.objects.create(
        slug="rma", name="Réseau Municipalités accessibles",
        description="Communauté de pratique sur l'accessibilité universelle.",
    )
    facilitator = make_user("florence@exemple.qc.ca", "Florence Animatrice",
                            organisation="Espace MUNI")
    member = make_user("marc@exemple.qc.ca", "Marc Membre", organisation="Ville de Laval")
    other = make_user("noemie@exemple.qc.ca", "Noémie Membre", organisation="Ville de Gatineau")
    outsider = make_user("olivier@exemple.qc.ca", "Olivier Externe")
    staff = make_user("sam@exemple.qc.ca", "Sam Personnel", is_staff=True)
    Membership.objects.create(space=space, user=facilitator, role=Role.FACILITATOR)
    Membership.objects.create(space=space, user=member, role=Role.MEMBER)
    Membership.objects.create(space=space, user=other, role=Role.MEMBER)
    return People(space=space, facilitator=facilitator, member=member, other_member=other,
                  outsider=outsider, staff=staff)


@pytest.fixture
def talk(people: People) -> dict[str, Message]:
    """A few messages in the people's space, worded the way members write (the search tests
    look for them)."""
    lunch = start_thread(actor=people.facilitator, space=people.space,
                         title="Programme de l'automne",
                         body="Nos déjeuners-causeries reprennent en octobre.")
    access = post_message(actor=people.member, thread=lunch.thread,
                          body="Merci ! Une séance sur l'accessibilité des parcs serait utile.")
    one = post_message(actor=people.other_member, thread=lunch.thread,
                       body="Compte rendu de la rencontre de mars à Laval.")
    many = post_message(actor=people.member, thread=lunch.thread,
                        body="Les rencontres régionales ont attiré 40 personnes.")
    titled = start_thread(actor=people.member, space=people.space,
                          title="Stationnement hivernal", body="Qui a une politique écrite ?")
    return {"lunch": lunch.message, "access": access.message, "one": one.message,
            "many": many.message, "titled": titled.message}


@pytest.fixture
def web(people: People) -> Personas:
    """A signed-in browser per persona: ``web.member.get(url)``; ``web.anonymous`` too."""
    return Personas(people, client_for)


@pytest.fixture
def api(people: People) -> Personas:
    """An API client per persona, with its bearer token: ``api.outsider.get(url)``."""
    return Personas(people, api_client_for)


@pytest.fixture
def uses_postgres() -> None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip(SERVICE_PROBLEMS["postgres"] or "needs PostgreSQL")
