"""Ending sessions and API tokens: a password change or "sign out everywhere" closes every
other door; tokens expire and their owner lists and revokes them (API and services)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from communities.errors import ServiceError
from communities.models import ApiToken, Event
from communities.services import accounts
from tests.events_helper import verify_action

PASSWORD = "mot-de-passe-solide-42"
NEW_PASSWORD = "un-tout-nouveau-secret-2027"


def token_for(email: str, password: str = PASSWORD, **extra: str) -> str:
    answer = Client().post("/api/v1/auth/token",
                           json.dumps({"email": email, "password": password, **extra}),
                           content_type="application/json")
    assert answer.status_code == 200, answer.content
    return answer.json()["token"]


def api(token: str) -> Client:
    return Client(headers={"authorization": f"Bearer {token}"})


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_password(client: Client, old: str = PASSWORD, new: str = NEW_PASSWORD):
    return client.post("/compte/mot-de-passe/", {"old_password": old, "new_password1": new,
                                                 "new_password2": new})


def test_a_password_change_revokes_every_api_token(people):
    tokens = [token_for(people.member.email), token_for(people.member.email)]
    assert api(tokens[0]).get("/api/v1/spaces").status_code == 200
    answer = change_password(browser(people.member))
    assert answer.status_code == 302
    for token in tokens:
        refused = api(token).get("/api/v1/spaces")
        assert refused.status_code == 401
        assert refused.json()["code"] == "unauthenticated"
    # Other people's tokens are theirs.
    assert api(token_for(people.other_member.email)).get("/api/v1/spaces").status_code == 200


def test_a_password_change_ends_every_other_session_but_keeps_this_one(people):
    elsewhere, here, someone_else = (browser(people.member), browser(people.member),
                                     browser(people.other_member))
    assert change_password(here).status_code == 302
    assert elsewhere.get("/").status_code == 302  # back to the sign-in page
    assert here.get("/").status_code == 200
    assert someone_else.get("/").status_code == 200
    # Gone from the database, not just refused on the next page: the hubs read these rows.
    live = {s.get_decoded().get("_auth_user_id") for s in Session.objects.all()}
    assert live == {str(people.member.pk), str(people.other_member.pk)}
    assert Session.objects.count() == 2
    assert Client().post("/connexion/", {"username": people.member.email,
                                         "password": NEW_PASSWORD}).status_code == 302


def test_a_wrong_current_password_changes_nothing(people):
    token = token_for(people.member.email)
    elsewhere, here = browser(people.member), browser(people.member)
    answer = change_password(here, old="pas-le-bon")
    assert answer.status_code == 200
    assert "Votre ancien mot de passe est incorrect" in answer.content.decode()
    assert api(token).get("/api/v1/spaces").status_code == 200
    assert elsewhere.get("/").status_code == 200
    people.member.refresh_from_db()
    assert people.member.check_password(PASSWORD)


def test_sign_out_everywhere_ends_other_sessions_and_tokens(people):
    token = token_for(people.member.email)
    elsewhere, here = browser(people.member), browser(people.member)
    answer = here.post("/compte/deconnexion-partout/")
    assert answer.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert api(token).get("/api/v1/spaces").status_code == 401
    people.member.refresh_from_db()
    assert people.member.check_password(PASSWORD)


def test_tokens_expire_after_the_configured_number_of_days(people, settings):
    assert settings.API_TOKEN_DAYS == 90
    answer = Client().post("/api/v1/auth/token",
                           json.dumps({"email": people.member.email, "password": PASSWORD}),
                           content_type="application/json").json()
    stored = ApiToken.objects.get(user=people.member)
    assert abs(stored.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)
    assert abs(datetime.fromisoformat(answer["expires_at"]) - stored.expires_at) < timedelta(
        milliseconds=1)
    settings.API_TOKEN_DAYS = 7
    short = token_for(people.member.email)
    assert api(short).get("/api/v1/spaces").status_code == 200
    ApiToken.objects.filter(user=people.member).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    assert api(short).get("/api/v1/spaces").status_code == 401
    assert api(answer["token"]).get("/api/v1/spaces").status_code == 401


def test_i_list_my_tokens_and_nobody_elses(people):
    mine = token_for(people.member.email, label="Script du rapport")
    token_for(people.member.email)
    token_for(people.other_member.email, label="Pas à moi")
    listed = api(mine).get("/api/v1/auth/tokens")
    assert listed.status_code == 200
    body = listed.json()
    assert len(body) == 2
    assert {t["label"] for t in body} == {"Script du rapport", ""}
    current = [t for t in body if t["current"]]
    assert [t["label"] for t in current] == ["Script du rapport"]
    assert set(body[0]) == {"id", "label", "created_at", "expires_at", "last_used_at",
                            "current"}
    assert "token" not in json.dumps(body).replace('"current"', "")  # no secret, ever


def test_i_revoke_one_of_my_tokens_and_it_stops_working(people):
    keep = token_for(people.member.email)
    drop = token_for(people.member.email, label="Vieux script")
    drop_id = ApiToken.objects.get(label="Vieux script").pk
    assert api(keep).delete(f"/api/v1/auth/tokens/{drop_id}").status_code == 204
    assert api(drop).get("/api/v1/spaces").status_code == 401
    assert api(keep).get("/api/v1/spaces").status_code == 200


def test_nobody_revokes_someone_elses_token(people):
    theirs = token_for(people.other_member.email, label="À Noémie")
    their_id = ApiToken.objects.get(label="À Noémie").pk
    answer = api(token_for(people.member.email)).delete(f"/api/v1/auth/tokens/{their_id}")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
    assert api(theirs).get("/api/v1/spaces").status_code == 200


def test_a_label_too_long_is_refused_in_french(people):
    answer = Client().post("/api/v1/auth/token", json.dumps(
        {"email": people.member.email, "password": PASSWORD, "label": "x" * 101}),
        content_type="application/json")
    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_request"


# --- events on the person's own stream ------------------------------------------------------
def token_list(user) -> list[dict]:
    from communities.selectors import api_tokens_of
    from communities.serializers import api_token_data

    return sorted((api_token_data(t) for t in api_tokens_of(user)), key=lambda t: t["id"])


def apply_token_event(state: list[dict], kind: str, data: dict) -> list[dict]:
    """How a client keeps its list of tokens from the events of its own stream."""
    if kind == "api_token.created":
        return sorted([*state, data["token"]], key=lambda t: t["id"])
    if kind == "api_token.revoked":
        return [t for t in state if t["id"] != data["token"]]
    if kind == "account.sessions_ended":
        return [t for t in state if t["id"] not in data["tokens_revoked"]]
    raise AssertionError(kind)


def test_token_events_rebuild_the_list_a_fresh_fetch_gives(people):
    user = people.member
    state = token_list(user)
    steps = [
        (lambda: accounts.create_api_token(email=user.email, password=PASSWORD,
                                           label="Un"), ["api_token.created"]),
        (lambda: accounts.create_api_token(email=user.email, password=PASSWORD,
                                           label="Deux"), ["api_token.created"]),
        (lambda: accounts.revoke_api_token(
            user=user, token_id=ApiToken.objects.get(label="Un").pk), ["api_token.revoked"]),
        (lambda: accounts.sign_out_everywhere(user=user), ["account.sessions_ended"]),
        (lambda: accounts.create_api_token(email=user.email, password=PASSWORD,
                                           label="Trois"), ["api_token.created"]),
        (lambda: accounts.change_password(user=user, new_password=NEW_PASSWORD),
         ["account.sessions_ended"]),
    ]
    for action, kinds in steps:
        _, events = verify_action(action, kinds=kinds)
        for event in events:
            assert event.owner_id == user.pk and event.space_id is None
            state = apply_token_event(state, event.kind, event.payload)
        assert state == token_list(user)
    ended = Event.objects.filter(owner=user, kind="account.sessions_ended").order_by("seq")
    assert [e.payload["reason"] for e in ended] == ["signed_out_everywhere",
                                                    "password_changed"]


def test_revoking_an_unknown_token_is_a_french_404(people):
    with pytest.raises(ServiceError) as refused:
        accounts.revoke_api_token(user=people.member, token_id=987654)
    assert refused.value.status == 404
    assert "jeton" in str(refused.value.message)


@pytest.mark.postgres
@pytest.mark.parametrize("field", ["email", "password", "label"])
def test_odd_text_in_the_token_request_is_refused_not_a_crash(people, uses_postgres, field):
    payload = {"email": people.member.email, "password": PASSWORD, "label": "", field: "\ud800"}
    answer = Client().post("/api/v1/auth/token", json.dumps(payload),
                           content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_text"
    assert "texte" in answer.json()["message"].lower()


@pytest.mark.postgres
def test_a_huge_token_id_is_a_404(people, uses_postgres):
    answer = api(token_for(people.member.email)).delete("/api/v1/auth/tokens/" + "9" * 30)
    assert answer.status_code == 404
    assert browser(people.member).post("/compte/jetons/" + "9" * 30 + "/revoquer/",
                                       follow=True).status_code == 200


def test_staff_setting_a_password_in_the_back_office_ends_sessions_and_tokens(people):
    token = token_for(people.member.email)
    elsewhere = browser(people.member)
    staff = browser(people.staff)
    people.staff.is_superuser = True
    people.staff.save()
    answer = staff.post(f"/admin/communities/user/{people.member.pk}/password/", {
        "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert elsewhere.get("/").status_code == 302
    assert api(token).get("/api/v1/spaces").status_code == 401
    people.member.refresh_from_db()
    assert people.member.check_password(NEW_PASSWORD)
    assert Event.objects.filter(owner=people.member, kind="account.sessions_ended").exists()
