"""An invitation belongs to the address it was sent to: a forwarded link lets no one else in.

Personas: Florence invites « nadia@exemple.qc.ca » ; Olivier (an outsider with his own
account) gets hold of the link ; Nadia is the person it was meant for."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from communities.addresses import mask_email, normalise_email
from communities.errors import Conflict, Forbidden
from communities.models import Event, Invitation, Membership, User
from communities.services.spaces import accept_invitation, invite_member
from tests.clients import client_for
from tests.conftest import People, make_user
from tests.frontend.helpers import SIGN_UP_PROFILE

INVITED = "nadia@exemple.qc.ca"


@pytest.fixture
def token(people: People) -> str:
    return invite_member(actor=people.facilitator, space=people.space, email=INVITED).token


def _untouched(people: People) -> None:
    invitation = Invitation.objects.get()
    assert invitation.accepted_at is None and invitation.accepted_by is None
    assert invitation.is_usable
    assert not Membership.objects.filter(user=people.outsider, space=people.space).exists()
    assert not Event.objects.filter(kind="member.joined").exists()


# --- the service --------------------------------------------------------------------------------


def test_someone_signed_in_with_another_address_is_refused_and_the_token_survives(
        people: People, token: str) -> None:
    with pytest.raises(Forbidden) as refusal:
        accept_invitation(raw_token=token, user=people.outsider)
    assert refusal.value.code == "invitation_other_address"
    assert "n•••@exemple.qc.ca" in str(refusal.value)
    assert INVITED not in str(refusal.value)
    _untouched(people)


def test_the_invited_account_accepts_whatever_the_case_of_either_address(
        people: People) -> None:
    sent = invite_member(actor=people.facilitator, space=people.space,
                         email=" Nadia@EXEMPLE.qc.ca ")
    # An account created by staff tooling may keep the capitals it was typed with.
    nadia = make_user(INVITED, "Nadia Nouvelle")
    User.objects.filter(pk=nadia.pk).update(email="NADIA@exemple.QC.CA")
    nadia.refresh_from_db()
    membership = accept_invitation(raw_token=sent.token, user=nadia)
    assert membership.user == nadia and membership.space == people.space


def test_no_second_account_for_an_address_that_differs_only_by_case(
        people: People, token: str) -> None:
    make_user(INVITED, "Nadia Nouvelle")
    User.objects.filter(email=INVITED).update(email="Nadia@Exemple.qc.ca")
    with pytest.raises(Conflict) as refusal:
        accept_invitation(raw_token=token, display_name="Imposteur",
                          password="un-mot-de-passe-solide-7")
    assert refusal.value.code == "account_exists" and INVITED not in str(refusal.value)
    assert User.objects.filter(email__iexact=INVITED).count() == 1


def test_addresses_are_compared_and_masked_after_normalisation() -> None:
    assert normalise_email("  Francine.Tremblay@Ville.QC.ca ") == "francine.tremblay@ville.qc.ca"
    assert normalise_email("E\u0301lise@exemple.qc.ca") == "élise@exemple.qc.ca"  # NFC
    assert mask_email("francine@ville.qc.ca") == "f•••@ville.qc.ca"
    assert mask_email("f@ville.qc.ca") == "f•••@ville.qc.ca"
    assert mask_email("pas-une-adresse") == "p•••"


# --- the pages ----------------------------------------------------------------------------------


def test_the_page_tells_someone_signed_in_with_another_address_and_offers_to_switch(
        people: People, token: str) -> None:
    url = reverse("accept-invitation", args=[token])
    page = client_for(people.outsider).get(url)
    html = page.content.decode()
    assert page.status_code == 403
    assert "Cette invitation a été envoyée à une autre adresse" in html
    assert "n•••@exemple.qc.ca" in html and INVITED not in html
    assert people.outsider.email in html  # which account they are signed in with
    assert 'name="display_name"' not in html
    # Signing out leads to the sign-in page, which brings them back to this link.
    login_then_back = reverse("login") + "?next=" + url
    assert f'action="{reverse("logout")}"' in html
    assert f'value="{login_then_back}"' in html
    _untouched(people)


def test_posting_the_accept_button_with_another_account_joins_no_one(
        people: People, token: str) -> None:
    url = reverse("accept-invitation", args=[token])
    answer = client_for(people.outsider).post(url)
    assert answer.status_code == 403
    assert "n•••@exemple.qc.ca" in answer.content.decode()
    _untouched(people)


def test_signing_out_then_in_as_the_invited_person_accepts(people: People, token: str) -> None:
    make_user(INVITED, "Nadia Nouvelle")
    url = reverse("accept-invitation", args=[token])
    client = client_for(people.outsider)
    login_then_back = reverse("login") + "?next=" + url
    out = client.post(reverse("logout"), {"next": login_then_back})
    assert out.status_code == 302 and out["Location"] == login_then_back
    signed = client.post(reverse("login"), {"username": INVITED,
                                            "password": "mot-de-passe-solide-42",
                                            "next": url})
    assert signed.status_code == 302 and signed["Location"] == url
    assert "Accepter" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert Membership.objects.filter(user__email=INVITED, space=people.space).exists()
    assert not Membership.objects.filter(user=people.outsider, space=people.space).exists()


def test_signing_up_from_the_link_creates_the_account_for_the_invited_address_only(
        people: People, token: str) -> None:
    client = Client()
    url = reverse("accept-invitation", args=[token])
    response = client.post(url, {"display_name": "Nadia Nouvelle", "email": "autre@exemple.qc.ca",
                                 "password": "un-mot-de-passe-solide-7",
                                 "password_confirmation": "un-mot-de-passe-solide-7",
                                 **SIGN_UP_PROFILE})
    assert response.status_code == 302
    assert User.objects.filter(email=INVITED).exists()
    assert not User.objects.filter(email="autre@exemple.qc.ca").exists()


def test_dead_links_still_get_a_clear_french_page_even_when_signed_in_elsewhere(
        people: People, token: str) -> None:
    url = reverse("accept-invitation", args=[token])
    client = client_for(people.outsider)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    assert "Cette invitation a expiré." in client.get(url).content.decode()
    # Revoked: what leaving or removal does to invitations sent earlier.
    Invitation.objects.update(expires_at=timezone.now())
    revoked = client.post(url)
    assert revoked.status_code == 410 and "Invitation expirée" in revoked.content.decode()
    Invitation.objects.update(accepted_at=timezone.now(), expires_at=timezone.now()
                              + timedelta(days=1))
    used = client.get(url)
    assert used.status_code == 410 and "déjà été utilisée" in used.content.decode()
    unknown = client.get(reverse("accept-invitation", args=["pas-un-jeton"]))
    assert unknown.status_code == 404


def test_the_other_address_page_is_translated(people: People, token: str, settings) -> None:
    client = client_for(people.outsider)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("accept-invitation", args=[token])).content.decode()
    assert "This invitation was sent to another address: n•••@exemple.qc.ca." in html
    assert "Sign out and sign in with the right account" in html
