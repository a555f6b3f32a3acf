"""A mention names the person chosen when it was written, and two people of one space are
not left indistinguishable: a newcomer may not take a member's name, a bare name two members
share is refused, and whatever name is typed before the id, the person's own is shown."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from communities.errors import ServiceError
from communities.models import Membership, User
from communities.serializers import quote_of
from communities.services.discussion import post_message, start_thread
from communities.services.moderation import edit_message
from communities.services.spaces import accept_invitation, add_member, invite_member
from frontend.queries import mention_candidates
from tests.conftest import People, make_user
from tests.events_helper import verify_action
from tests.frontend.helpers import SIGN_UP_PROFILE


@pytest.fixture
def thread(people: People):  # type: ignore[no-untyped-def]
    return start_thread(actor=people.facilitator, space=people.space, title="Parcs",
                        body="Vos exemples ?").thread


def namesake_of(people: People, user: User, email: str = "imposteur@exemple.qc.ca") -> User:
    """Someone whose existing account bears the same name joins the space (an account
    cannot be renamed by its owner, and joining with it cannot be refused)."""
    twin = make_user(email, user.display_name.upper())
    add_member(actor=people.facilitator, space=people.space, user=twin)
    return twin


def test_an_invitee_cannot_take_the_name_of_someone_in_the_space(people: People) -> None:
    sent = invite_member(actor=people.facilitator, space=people.space,
                         email="nouveau@exemple.qc.ca")
    with pytest.raises(ServiceError) as refused:
        accept_invitation(raw_token=sent.token, display_name="  florence   ANIMATRICE ",
                          password="mot-de-passe-solide-42")
    assert refused.value.code == "name_taken"
    assert "porte déjà le nom" in str(refused.value.message)
    assert not User.objects.filter(email="nouveau@exemple.qc.ca").exists()
    joined = accept_invitation(raw_token=sent.token, display_name="Florence A. (Laval)",
                               password="mot-de-passe-solide-42")  # the link still works
    assert joined.user.display_name == "Florence A. (Laval)"


def test_a_mention_is_bound_to_the_person_named_when_it_was_written(people: People,
                                                                     thread) -> None:  # type: ignore[no-untyped-def]
    posted = post_message(actor=people.member, thread=thread, body="Merci @**noémie membre** !")
    noemie = people.other_member
    assert posted.message.body == f"Merci @**noémie membre|{noemie.pk}** !"
    twin = namesake_of(people, noemie)
    # The author corrects a word later: the mention still names Noémie, not the newcomer.
    edited = edit_message(actor=people.member, message=posted.message,
                          body=posted.message.body.replace("Merci", "Merci bien"))
    assert f'data-user="{noemie.pk}">@Noémie Membre</span>' in edited.html
    assert f'data-user="{twin.pk}"' not in edited.html
    assert quote_of(edited)["excerpt"] == "Merci bien @noémie membre !"


def test_a_bare_name_two_members_share_is_refused_and_the_id_tells_them_apart(
        people: People, thread) -> None:  # type: ignore[no-untyped-def]
    twin = namesake_of(people, people.other_member)
    with pytest.raises(ServiceError) as refused:
        post_message(actor=people.member, thread=thread, body="Merci @**Noémie Membre**")
    assert refused.value.code == "ambiguous_mention"
    assert "choisissez la bonne personne" in str(refused.value.message)
    assert thread.messages.count() == 1
    posted, events = verify_action(
        lambda: post_message(actor=people.member, thread=thread,
                             body=f"Merci @**Noémie Membre|{twin.pk}**"),
        kinds=["message.created", "mention.created"])
    assert events[1].owner_id == twin.pk
    assert f'data-user="{twin.pk}">@NOÉMIE MEMBRE</span>' in posted.message.html
    assert events[1].payload["by"] == {"id": people.member.pk, "display_name": "Marc Membre",
                                       "organisation": "Ville de Laval",
                                       "label": "Marc Membre", "disambiguation": ""}


def test_the_name_shown_is_the_person_s_own_whatever_is_typed(people: People,
                                                              thread) -> None:  # type: ignore[no-untyped-def]
    noemie = people.other_member
    posted = post_message(actor=people.member, thread=thread,
                          body=f"Voir @**Florence Animatrice|{noemie.pk}** et "
                               f"@**Olivier Externe|{people.outsider.pk}**")
    assert f'<span class="mention" data-user="{noemie.pk}">@Noémie Membre</span>' \
        in posted.message.html
    assert "Florence" not in posted.message.html
    # Not a member: plain text, without the id, and nobody notified.
    assert "@<strong>Olivier Externe</strong>" in posted.message.html


def test_the_composer_tells_namesakes_apart_by_their_organisation(people: People) -> None:
    twin = namesake_of(people, people.other_member)
    User.objects.filter(pk=twin.pk).update(organisation="Ville de Québec")
    candidates = [c for c in mention_candidates(people.space)
                  if str(c["name"]).casefold() == "noémie membre"]
    assert {(c["id"], c["org"]) for c in candidates} == {
        (people.other_member.pk, "Ville de Gatineau"), (twin.pk, "Ville de Québec")}
    assert Membership.objects.filter(space=people.space).count() == 4


def test_the_sign_up_page_says_why_a_name_is_refused_and_keeps_what_was_typed(
        people: People) -> None:
    sent = invite_member(actor=people.facilitator, space=people.space,
                         email="nouveau@exemple.qc.ca")
    page = Client().post(reverse("accept-invitation", args=[sent.token]), {
        "display_name": "Florence Animatrice", "password": "mot-de-passe-solide-42",
        "password_confirmation": "mot-de-passe-solide-42",
        **SIGN_UP_PROFILE})
    assert page.status_code == 400
    text = html.unescape(page.content.decode())
    assert "porte déjà le nom « Florence Animatrice »" in text
    assert 'value="Florence Animatrice"' in text
    assert not User.objects.filter(email="nouveau@exemple.qc.ca").exists()
