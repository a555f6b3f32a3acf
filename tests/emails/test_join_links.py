"""Join-back links: a GET only shows the landing page, the POST of "Continuer" signs the owner
in once and lands on the item; used, expired, foreign and left-space links are refused, and a
dead link's page emails a fresh one without telling whether the address exists."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from communities.secrets import hash_secret
from communities.services.spaces import leave_space
from emails import joinlinks
from emails.models import JoinLink
from tests.conftest import People
from tests.emails.helpers import join_links, path_of, text_of
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db


def _link(people: People, target: str | None = None) -> str:
    target = target or reverse("space", args=[people.space.slug])
    return path_of(joinlinks.issue_link(user=people.member, target=target, space=people.space))


def _continue(client: Client, path: str):  # type: ignore[no-untyped-def]
    page = client.get(path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token, page.content.decode()
    return client.post(path, {"csrfmiddlewaretoken": token[1]})


def test_a_get_shows_a_continue_button_and_uses_nothing(people: People) -> None:
    path = _link(people)
    client = Client(enforce_csrf_checks=True)

    for _ in range(3):  # a mail scanner, a preview, the person
        page = client.get(path)
        assert page.status_code == 200
        assert "Continuer" in page.content.decode()
    assert JoinLink.objects.get().used_at is None
    assert "_auth_user_id" not in client.session


def test_continue_signs_the_owner_in_and_lands_on_the_item(people: People) -> None:
    target = reverse("thread", kwargs={"slug": people.space.slug, "thread_id": 1}) + "?message=3"
    path = _link(people, target)
    client = Client(enforce_csrf_checks=True)

    landed = _continue(client, path)

    assert landed.status_code == 302
    assert landed["Location"] == target
    assert client.session["_auth_user_id"] == str(people.member.pk)
    assert JoinLink.objects.get().used_at is not None


def test_a_link_works_once(people: People) -> None:
    path = _link(people)
    _continue(Client(enforce_csrf_checks=True), path)

    again = Client(enforce_csrf_checks=True)
    page = again.get(path)
    assert page.status_code == 410
    assert "Ce lien a déjà servi" in page.content.decode()
    assert again.post(path).status_code in {403, 410}  # no CSRF token: refused either way
    assert "_auth_user_id" not in again.session


def test_a_post_without_the_landing_pages_token_is_refused(people: People) -> None:
    path = _link(people)

    assert Client(enforce_csrf_checks=True).post(path).status_code == 403
    assert JoinLink.objects.get().used_at is None


def test_an_expired_link_offers_a_fresh_one_by_email(people: People,
                                                     smtp_server: Mailbox) -> None:
    path = _link(people)
    JoinLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client = Client()

    page = client.get(path)
    assert page.status_code == 410
    assert "Ce lien a expiré" in page.content.decode()
    assert "M'envoyer un nouveau lien" in page.content.decode()
    sent = client.post(path + "nouveau/", {"email": "MARC@exemple.qc.ca"})

    assert sent.status_code == 200
    [message] = smtp_server.wait_for(1)
    assert message["To"] == people.member.email
    [fresh] = join_links(text_of(message))
    assert _continue(Client(enforce_csrf_checks=True), path_of(fresh))["Location"] == reverse(
        "space", args=[people.space.slug])


def test_asking_with_another_address_sends_nothing_and_says_the_same(
        people: People, smtp_server: Mailbox) -> None:
    path = _link(people)
    JoinLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client = Client()

    right = client.post(path + "nouveau/", {"email": people.member.email}).content.decode()
    wrong = client.post(path + "nouveau/", {"email": people.outsider.email}).content.decode()
    unknown = client.post(path + "nouveau/", {"email": "personne@ailleurs.ca"}).content.decode()

    smtp_server.wait_for(1)
    assert len(smtp_server.received) == 1
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", right) == strip.sub("", wrong) == strip.sub("", unknown)


def test_fresh_links_are_rate_limited(people: People, smtp_server: Mailbox) -> None:
    path = _link(people)
    JoinLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    for _ in range(joinlinks.FRESH_LINKS_PER_HOUR + 3):
        Client().post(path + "nouveau/", {"email": people.member.email})

    smtp_server.wait_for(joinlinks.FRESH_LINKS_PER_HOUR)
    assert len(smtp_server.received) == joinlinks.FRESH_LINKS_PER_HOUR


def test_a_bad_address_in_the_form_is_explained(people: People) -> None:
    path = _link(people)
    JoinLink.objects.update(used_at=timezone.now())

    page = Client().post(path + "nouveau/", {"email": "pas une adresse"})

    assert page.status_code == 410
    assert "Saisissez une adresse" in page.content.decode()


def test_someone_else_signed_in_is_told_and_not_switched(people: People) -> None:
    path = _link(people)
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.other_member)

    page = client.get(path)

    assert page.status_code == 409
    assert "Ce lien est destiné à une autre personne" in page.content.decode()
    assert "Continuer" not in page.content.decode()
    assert client.session["_auth_user_id"] == str(people.other_member.pk)
    assert JoinLink.objects.get().used_at is None


def test_a_link_never_opens_a_space_its_owner_left(people: People) -> None:
    path = _link(people)
    leave_space(actor=people.member, space=people.space)
    client = Client()

    page = client.get(path)

    assert page.status_code == 403
    assert "Vous ne faites plus partie de cet espace" in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_unknown_token_is_a_clear_404(people: People) -> None:
    page = Client().get(reverse("emails:join", args=["nimporte-quoi"]))

    assert page.status_code == 404
    assert "Ce lien ne fonctionne pas" in page.content.decode()


def test_only_a_hash_of_the_token_is_stored(people: People) -> None:
    url = joinlinks.issue_link(user=people.member, target="/", space=None)
    token = url.rstrip("/").rsplit("/", 1)[1]

    link = JoinLink.objects.get()
    assert token not in link.token_hash
    assert link.token_hash == hash_secret(token)
    assert link.expires_at - link.created_at == timedelta(days=7)


def test_targets_outside_the_site_are_refused(people: People) -> None:
    for target in ["https://ailleurs.example/", "//ailleurs.example/", "/\\ailleurs"]:
        with pytest.raises(ValueError):
            joinlinks.issue_link(user=people.member, target=target, space=None)
