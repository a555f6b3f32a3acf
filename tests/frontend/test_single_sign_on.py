"""Single sign-on end to end: a daphne server of ours and a real OpenID Connect provider, both
on loopback, and an HTTP client going through the redirects as a browser does (no mocked
client anywhere). An address the provider vouches for opens its account; an unknown or
unverified one opens nothing, and no sign-on ever makes anyone a member."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount

from communities.models import Membership, User
from communities.services.spaces import invite_member
from tests.conftest import People
from tests.servers import running_server
from tests.sso import PROVIDER_ID, PROVIDER_NAME, oidc_provider, provider_settings

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(120)]


@pytest.fixture(scope="module")
def sso(django_db_setup, django_db_blocker) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(our server, the provider): one of each for the module."""
    with django_db_blocker.unblock(), oidc_provider() as provider, running_server(
            redis_url=os.environ.get("REDIS_URL") or None,
            extra_env=provider_settings(provider, trusted_email_domains=["laval.ca"])) as server:
        yield server.http, provider


def sign_on(site: str, provider: str, sub: str, claims: dict[str, object],
            start: str = "/connexion/") -> tuple[requests.Session, requests.Response]:
    """From the page ``start`` (which offers the provider's button), through the provider's
    consent page as ``sub`` with ``claims``, back to us."""
    session = requests.Session()
    login = session.get(site + start, timeout=10)
    assert f"Continuer avec {PROVIDER_NAME}" in html.unescape(login.text)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)
    action = re.search(rf'action="([^"]*/oidc/{PROVIDER_ID}/login/[^"]*)"', login.text)
    assert csrf and action
    consent = session.post(site + html.unescape(action.group(1)),
                           data={"csrfmiddlewaretoken": csrf.group(1)},
                           headers={"Referer": site + start}, timeout=10)
    assert consent.url.startswith(f"{provider}/oauth2/authorize"), consent.url
    assert requests.put(f"{provider}/users/{sub}", json=claims, timeout=10).status_code == 204
    back = session.post(consent.url, data={"sub": sub}, timeout=20)
    return session, back


def test_a_member_signs_in_with_the_organisations_account(people: People, uses_postgres,
                                                          sso) -> None:
    site, provider = sso
    session, landed = sign_on(site, provider, "entra-marc", {
        "email": "Marc@exemple.qc.ca", "email_verified": True, "name": "Marc M."})
    assert landed.status_code == 200 and landed.url == f"{site}/", landed.url
    assert "Marc Membre" in landed.text  # the existing account, its name untouched
    linked = SocialAccount.objects.get(uid="entra-marc")
    assert linked.user_id == people.member.pk and linked.provider == PROVIDER_ID
    # Next time the link is enough, even if the provider stops sending the address.
    _, again = sign_on(site, provider, "entra-marc", {"name": "Marc M."})
    assert again.url == f"{site}/" and "Marc Membre" in again.text
    assert session.get(f"{site}/compte/securite/", timeout=10).status_code == 200


def test_an_unknown_address_gets_a_clear_refusal_and_nothing_is_made(people: People,
                                                                     uses_postgres,
                                                                     sso) -> None:
    site, provider = sso
    users_before = User.objects.count()
    session, landed = sign_on(site, provider, "entra-inconnu", {
        "email": "inconnue@laval.ca", "email_verified": True, "name": "Inconnue"})
    text = html.unescape(landed.text)
    assert "Aucun compte pour ce courriel" in text
    assert "aucun compte n'a été créé" in text
    assert User.objects.count() == users_before
    assert not SocialAccount.objects.exists()
    assert session.get(f"{site}/", timeout=10, allow_redirects=False).status_code == 302


def test_an_address_the_provider_did_not_verify_links_nothing(people: People, uses_postgres,
                                                              sso) -> None:
    site, provider = sso
    session, landed = sign_on(site, provider, "entra-faux-marc", {
        "email": people.member.email, "email_verified": False, "name": "Pas Marc"})
    assert "Aucun compte pour ce courriel" in html.unescape(landed.text)
    assert not SocialAccount.objects.exists()
    assert session.get(f"{site}/", timeout=10, allow_redirects=False).status_code == 302
    people.member.refresh_from_db()
    assert people.member.has_usable_password()


def test_a_trusted_domain_counts_as_verified(people: People, uses_postgres, sso) -> None:
    """Microsoft Entra ID sends no email_verified: the tenant's own domain is trusted."""
    site, provider = sso
    people.outsider.email = "olivier@laval.ca"
    people.outsider.save()
    EmailAddress.objects.filter(user=people.outsider).update(email="olivier@laval.ca")
    _, landed = sign_on(site, provider, "entra-olivier", {"email": "olivier@laval.ca",
                                                          "name": "Olivier"})
    assert landed.url == f"{site}/" and "Olivier Externe" in landed.text


def test_an_invited_person_gets_an_account_but_joins_only_by_accepting(
        people: People, uses_postgres, sso) -> None:
    site, provider = sso
    token = invite_member(actor=people.facilitator, space=people.space,
                          email="nadia@laval.ca").token
    invitation_path = f"/invitation/{token}/"
    session, landed = sign_on(site, provider, "entra-nadia", {
        "email": "nadia@laval.ca", "email_verified": True, "name": "Nadia Nouvelle"},
        start=invitation_path)
    assert landed.url == site + invitation_path, landed.url
    nadia = User.objects.get(email="nadia@laval.ca")
    assert nadia.display_name == "Nadia Nouvelle" and not nadia.has_usable_password()
    assert EmailAddress.objects.get(user=nadia).verified
    # Signing on made the account, not the membership: that is the invitation's to give.
    assert not Membership.objects.filter(user=nadia).exists()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', landed.text)
    assert csrf
    joined = session.post(site + invitation_path, data={"csrfmiddlewaretoken": csrf.group(1)},
                          headers={"Referer": site + invitation_path}, timeout=10)
    assert joined.url == f"{site}/espaces/{people.space.slug}/"
    assert Membership.objects.filter(user=nadia, space=people.space).exists()
