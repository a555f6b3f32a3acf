"""Guessing passwords: the sign-in page and the API token endpoint slow a guesser down per
account and per address, say so in French, and stop hashing once the door is shut."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.utils import timezone

pytestmark = [pytest.mark.postgres]

PASSWORD = "mot-de-passe-solide-42"


class CountingHasher(MD5PasswordHasher):
    """The test hasher, counting how often a password is actually checked."""

    verified = 0

    def verify(self, password: str, encoded: str) -> bool:
        CountingHasher.verified += 1
        return super().verify(password, encoded)


def sign_in(email: str, password: str, *, address: str = "203.0.113.7"):
    return Client(REMOTE_ADDR=address).post("/connexion/", {"username": email,
                                                            "password": password})


def ask_token(email: str, password: str, *, address: str = "203.0.113.7"):
    return Client(REMOTE_ADDR=address).post(
        "/api/v1/auth/token", json.dumps({"email": email, "password": password}),
        content_type="application/json")


def signed_in(answer) -> bool:
    return answer.status_code == 302 and "_auth_user_id" in answer.client.session


def test_fifty_wrong_passwords_on_the_sign_in_page_then_the_right_one_is_refused(
        people, uses_postgres):
    for _ in range(50):
        wrong = sign_in(people.member.email, "devine")
    assert wrong.status_code == 429
    right = sign_in(people.member.email, PASSWORD)
    assert right.status_code == 429 and not signed_in(right)
    page = right.content.decode()
    assert "Trop de tentatives de connexion" in page
    assert "<html" in page and 'lang="fr-ca"' in page  # a page of the product, not a raw 403


def test_a_few_mistakes_do_not_lock_anyone_out(people, uses_postgres):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(people.member.email, "devine").status_code == 200
    assert signed_in(sign_in(people.member.email, PASSWORD))


def test_the_account_is_throttled_whatever_the_address(people, uses_postgres):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(people.member.email, "devine", address=f"198.51.100.{n + 1}")
    assert sign_in(people.member.email, PASSWORD, address="192.0.2.200").status_code == 429
    # Email case and spaces make no new account to guess at.
    assert sign_in(" MARC@exemple.qc.ca ", PASSWORD, address="192.0.2.201").status_code == 429
    # Others are not affected.
    assert signed_in(sign_in(people.other_member.email, PASSWORD, address="192.0.2.200"))


def test_the_address_is_throttled_whatever_the_account(people, uses_postgres):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(f"personne{n}@exemple.qc.ca", "devine", address="203.0.113.9")
    assert sign_in(people.member.email, PASSWORD, address="203.0.113.9").status_code == 429
    assert signed_in(sign_in(people.member.email, PASSWORD, address="203.0.113.10"))


def test_the_lock_lifts_after_the_cool_off(people, uses_postgres):
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(people.member.email, "devine")
    assert sign_in(people.member.email, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME
                                 - timedelta(seconds=1))
    assert signed_in(sign_in(people.member.email, PASSWORD))


def test_once_locked_no_password_is_hashed(people, uses_postgres, settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    people.member.set_password(PASSWORD)
    people.member.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(people.member.email, "devine")
        ask_token(people.other_member.email, "devine", address="203.0.113.50")
    CountingHasher.verified = 0
    for _ in range(20):
        assert sign_in(people.member.email, "devine").status_code == 429
        assert ask_token(people.other_member.email, "devine",
                         address="203.0.113.50").status_code == 429
    assert CountingHasher.verified == 0


def test_fifty_wrong_passwords_on_the_token_endpoint_then_the_right_one_is_refused(
        people, uses_postgres):
    for _ in range(50):
        wrong = ask_token(people.member.email, "devine")
    assert wrong.status_code == 429
    right = ask_token(people.member.email, PASSWORD)
    assert right.status_code == 429
    assert right["Content-Type"] == "application/json"
    body = right.json()
    assert body["code"] == "too_many_attempts"
    assert body["message"].startswith("Trop de tentatives de connexion")
    assert "token" not in body


def test_the_token_endpoint_counts_with_the_sign_in_page(people, uses_postgres):
    """One guesser, two doors: failures on either count toward the same limit."""
    half = settings.AXES_FAILURE_LIMIT // 2
    for _ in range(half):
        sign_in(people.member.email, "devine")
    for _ in range(settings.AXES_FAILURE_LIMIT - half):
        ask_token(people.member.email, "devine", address="198.51.100.77")
    assert ask_token(people.member.email, PASSWORD, address="192.0.2.9").status_code == 429


def test_the_lockout_speaks_english_to_an_english_reader(people, uses_postgres):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        ask_token(people.member.email, "devine")
    answer = Client(REMOTE_ADDR="203.0.113.7", headers={"accept-language": "en"}).post(
        "/api/v1/auth/token", json.dumps({"email": people.member.email, "password": PASSWORD}),
        content_type="application/json")
    assert answer.status_code == 429
    assert answer.json()["message"].startswith("Too many sign-in attempts")


def test_a_nul_in_the_email_is_refused_not_a_crash(people, uses_postgres):
    answer = ask_token("marc\x00@exemple.qc.ca", "devine")
    # The API's parser refuses text the database cannot store before any view runs.
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_text"


def test_signing_in_to_ones_own_account_does_not_wipe_the_count(people, uses_postgres):
    """A guesser with an account of their own cannot reset the tally between guesses."""
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(people.member.email, "devine")
    assert signed_in(sign_in(people.outsider.email, PASSWORD))
    sign_in(people.member.email, "devine")
    assert sign_in(people.member.email, PASSWORD, address="192.0.2.33").status_code == 429
