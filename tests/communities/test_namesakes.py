"""Two people of a shared space with exactly the same name are told apart wherever a name is
shown: by their organisation when it differs, else by their member number (never the email).
Here: the events and the API payloads."""

from __future__ import annotations

import pytest

from communities.models import Membership, Namesake, User
from communities.services.discussion import post_message, start_thread
from communities.services.spaces import add_member
from tests.clients import Personas
from tests.conftest import People, make_user
from tests.events_helper import verify_action

pytestmark = pytest.mark.django_db


def twin_of(people: People) -> User:
    """An existing account named exactly like Marc (Ville de Laval), without organisation,
    joins his space: joining cannot be refused, so the two must be told apart."""
    twin = make_user("autre.marc@exemple.qc.ca", people.member.display_name)
    add_member(actor=people.facilitator, space=people.space, user=twin)
    people.member.refresh_from_db()  # as the next request would load him
    return twin


def test_joining_a_space_with_a_namesake_marks_both(people: People) -> None:
    twin = twin_of(people)
    marc = User.objects.get(pk=people.member.pk)
    assert marc.label == "Marc Membre (Ville de Laval)"
    assert twin.label == f"Marc Membre (membre n° {twin.pk})"
    assert User.objects.get(pk=twin.pk).namesake == Namesake.BY_NUMBER
    assert "autre.marc" not in twin.label
    # Nobody else of the space changes.
    assert User.objects.get(pk=people.other_member.pk).label == "Noémie Membre"


def test_a_shared_organisation_falls_back_to_the_member_number(people: People) -> None:
    twin = make_user("marc2@exemple.qc.ca", "marc  membre", organisation="Ville de Laval")
    add_member(actor=people.facilitator, space=people.space, user=twin)
    marc = User.objects.get(pk=people.member.pk)
    assert marc.label == f"Marc Membre (Ville de Laval, membre n° {marc.pk})"
    assert twin.label == f"marc  membre (Ville de Laval, membre n° {twin.pk})"


def test_the_member_joined_event_carries_the_label(people: People) -> None:
    twin = make_user("autre.marc@exemple.qc.ca", "Marc Membre")
    _membership, [event] = verify_action(
        lambda: add_member(actor=people.facilitator, space=people.space, user=twin),
        kinds=["member.joined"])
    member = event.payload["member"]
    assert member["display_name"] == "Marc Membre"
    assert member["label"] == f"Marc Membre (membre n° {twin.pk})"
    assert member["disambiguation"] == f"membre n° {twin.pk}"


def test_api_message_payloads_tell_namesakes_apart(people: People, api: Personas) -> None:
    twin = twin_of(people)
    thread = start_thread(actor=people.member, space=people.space, title="Parcs",
                          body="Vos exemples ?").thread
    post_message(actor=twin, thread=thread, body="Voici les nôtres.")
    page = api.other_member.get(f"/api/v1/threads/{thread.pk}").json()
    authors = [m["author"] for m in page["messages"]]
    assert [a["display_name"] for a in authors] == ["Marc Membre", "Marc Membre"]
    assert [a["label"] for a in authors] == [
        "Marc Membre (Ville de Laval)", f"Marc Membre (membre n° {twin.pk})"]
    assert authors[1]["disambiguation"] == f"membre n° {twin.pk}"
    assert page["thread"]["author"]["label"] == "Marc Membre (Ville de Laval)"


def test_people_without_a_namesake_keep_their_plain_name(people: People,
                                                         api: Personas) -> None:
    thread = start_thread(actor=people.member, space=people.space, title="Parcs",
                          body="Vos exemples ?").thread
    page = api.other_member.get(f"/api/v1/threads/{thread.pk}").json()
    assert page["messages"][0]["author"]["label"] == "Marc Membre"
    assert page["messages"][0]["author"]["disambiguation"] == ""
    assert Membership.objects.filter(space=people.space, user__namesake=0).count() == 3
