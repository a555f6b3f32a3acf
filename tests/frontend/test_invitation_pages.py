"""Accepting an invitation from its link: a new account for someone signed out, one button for
someone signed in, and a clear page for a used, expired or unknown link."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from communities.models import Event, Invitation, Membership, Role, User
from communities.services.spaces import invite_member
from tests.clients import Personas
from tests.conftest import People
from tests.frontend.helpers import SIGN_UP_PROFILE


def test_anonymous_accepts_by_creating_an_account(people: People, token: str) -> None:
    client = Client()
    url = reverse("accept-invitation", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Florence Animatrice vous invite" in page.content.decode()
    response = client.post(url, {"display_name": "Nadia Nouvelle",
                                 "password": "un-mot-de-passe-solide-7",
                                 "password_confirmation": "un-mot-de-passe-solide-7",
                                 **SIGN_UP_PROFILE})
    assert response.status_code == 302
    assert response["Location"] == reverse("space", args=["rma"])
    user = User.objects.get(email="nadia@exemple.qc.ca")
    assert user.display_name == "Nadia Nouvelle"
    assert Membership.objects.filter(user=user, space=people.space, role=Role.MEMBER).exists()
    assert client.get(response["Location"]).status_code == 200  # signed in
    assert Event.objects.filter(kind="member.joined").count() == 1


def test_mismatched_or_weak_password_keeps_the_name(people: People, token: str) -> None:
    url = reverse("accept-invitation", args=[token])
    mismatch = Client().post(url, {"display_name": "Nadia", "password": "un-mot-de-passe-7",
                                   "password_confirmation": "autre-chose-9",
                                   **SIGN_UP_PROFILE})
    assert mismatch.status_code == 400
    assert "Les deux mots de passe ne sont pas identiques." in mismatch.content.decode()
    assert 'value="Nadia"' in mismatch.content.decode()
    weak = Client().post(url, {"display_name": "Nadia", "password": "123",
                               "password_confirmation": "123",
                               **SIGN_UP_PROFILE})
    assert weak.status_code == 400 and "trop court" in weak.content.decode()
    assert not User.objects.filter(email="nadia@exemple.qc.ca").exists()


def test_signed_in_person_accepts_with_one_button(web: Personas, people: People) -> None:
    raw = invite_member(actor=people.facilitator, space=people.space,
                        email=people.outsider.email).token
    client = web.outsider
    url = reverse("accept-invitation", args=[raw])
    page = client.get(url).content.decode()
    assert "Accepter" in page and "password" not in page
    assert client.post(url).status_code == 302
    assert Membership.objects.filter(user=people.outsider, space=people.space).exists()


def test_used_expired_and_unknown_tokens_get_a_clear_page(people: People, token: str) -> None:
    Invitation.objects.update(accepted_at=timezone.now())
    used = Client().get(reverse("accept-invitation", args=[token]))
    assert used.status_code == 410
    assert "Cette invitation a déjà été utilisée." in used.content.decode()
    assert Client().post(reverse("accept-invitation", args=[token]),
                         {"display_name": "X"}).status_code == 410
    Invitation.objects.update(accepted_at=None, expires_at=timezone.now() - timedelta(days=1))
    expired = Client().get(reverse("accept-invitation", args=[token]))
    assert expired.status_code == 410 and "Cette invitation a expiré." in expired.content.decode()
    unknown = Client().get(reverse("accept-invitation", args=["pas-un-jeton"]))
    assert unknown.status_code == 404
    assert "Ce lien d&#x27;invitation n&#x27;est pas valide." in unknown.content.decode()
