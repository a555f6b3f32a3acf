"""How the tests reach the product as a person does: a signed-in browser for the pages, a
bearer token for the API. Defined once, so a change to signing in is made in one place.

The ``web`` and ``api`` fixtures (``tests/conftest.py``) give one client per persona of the
``people`` space, made on first use: ``web.member.get(url)``, ``api.outsider.post(...)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.test import Client

from communities.models import User

if TYPE_CHECKING:
    from tests.conftest import People

PASSWORD = "mot-de-passe-solide-42"  # every account ``make_user`` creates has it


def client_for(user: User | None, **headers: str) -> Client:
    """A browser signed in as ``user``; anonymous with ``None``."""
    client = Client(headers=headers)
    if user is not None:
        client.force_login(user)
    return client


def token_for(user: User | str) -> str:
    """An API token asked for the way a client asks: email and password on the API."""
    email = user if isinstance(user, str) else user.email
    answer = Client().post("/api/v1/auth/token", {"email": email, "password": PASSWORD},
                           content_type="application/json")
    assert answer.status_code == 200, answer.content
    return answer.json()["token"]


def api_client_for(user: User | None) -> Client:
    """An API client carrying ``user``'s bearer token; no token at all with ``None``."""
    if user is None:
        return Client()
    return Client(headers={"authorization": f"Bearer {token_for(user)}"})


class _Persona:
    """A client for the person of ``people`` this attribute is named after, made once."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, personas: Personas, owner: type | None = None) -> Client:
        user = None if self.name == "anonymous" else getattr(personas.people, self.name)
        # Stored on the instance, which then shadows this descriptor: made once per test.
        client = personas.__dict__[self.name] = personas.make(user)
        return client


class Personas:
    """One client per person of the ``people`` space, each made the first time it is used
    (an API client costs a sign-in request)."""

    facilitator = _Persona()
    member = _Persona()
    other_member = _Persona()
    outsider = _Persona()
    staff = _Persona()
    anonymous = _Persona()

    def __init__(self, people: People, make: Callable[[User | None], Client]) -> None:
        self.people = people
        self.make = make
