"""The JSON API v1 as a client uses it."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from communities.models import Message
from tests.clients import token_for


def post_json(client: Client, url: str, payload: object):
    return client.post(url, json.dumps(payload), content_type="application/json")


def test_wrong_credentials_get_a_french_401(people):
    answer = post_json(Client(), "/api/v1/auth/token",
                       {"email": people.member.email, "password": "non"})
    assert answer.status_code == 401
    assert answer.json() == {"code": "invalid_credentials",
                             "message": "Courriel ou mot de passe incorrect."}


def test_no_token_gets_a_french_401(people):
    answer = Client().get("/api/v1/spaces")
    assert answer.status_code == 401
    assert "Authentification requise" in answer.json()["message"]


def test_my_spaces_list_role_and_head(api, people):
    assert api.member.get("/api/v1/spaces").json() == [{
        "slug": "rma", "name": "Réseau Municipalités accessibles",
        "description": people.space.description, "role": "member", "head": 0, "unread": 0,
        "parent": None,
    }]


def test_start_a_thread_then_post_and_read_the_log(api, people):
    created = post_json(api.member, "/api/v1/spaces/rma/threads",
                        {"title": "Bancs", "body": "*Bonjour*", "client_id": "t-1"})
    assert created.status_code == 201
    body = created.json()
    assert body["seq"] == 1 and body["message"]["html"] == "<p><em>Bonjour</em></p>"
    thread_id = body["thread"]["id"]
    posted = post_json(api.member, f"/api/v1/threads/{thread_id}/messages", {"body": "Suite"})
    assert posted.status_code == 201
    message = posted.json()["message"]
    assert set(message) == {"id", "thread", "author", "created_at", "body", "html", "reply_to",
                            "edited_at", "deleted", "reactions", "attachments"}
    log = api.member.get("/api/v1/spaces/rma/events?after=1&limit=10").json()
    assert log["head"] == 2
    assert [(e["seq"], e["kind"]) for e in log["events"]] == [(2, "message.created")]
    assert log["events"][0]["data"]["message"] == message


def test_a_retried_post_returns_the_original_with_200(api, people):
    thread_id = post_json(api.member, "/api/v1/spaces/rma/threads",
                          {"title": "T", "body": "a"}).json()["thread"]["id"]
    url = f"/api/v1/threads/{thread_id}/messages"
    first = post_json(api.member, url, {"body": "Une fois", "client_id": "m-42"})
    again = post_json(api.member, url, {"body": "Une fois", "client_id": "m-42"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Message.objects.filter(client_id="m-42").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_one_message(api, people, uses_postgres):
    token = token_for(people.member)
    thread_id = post_json(api.member, "/api/v1/spaces/rma/threads",
                          {"title": "T", "body": "a"}).json()["thread"]["id"]
    statuses: list[int] = []
    barrier = threading.Barrier(8)

    def retry() -> None:
        try:
            barrier.wait()
            answer = post_json(Client(headers={"authorization": f"Bearer {token}"}),
                               f"/api/v1/threads/{thread_id}/messages",
                               {"body": "réseau lent", "client_id": "retry-1"})
            statuses.append(answer.status_code)
        finally:
            connection.close()

    workers = [threading.Thread(target=retry) for _ in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=30)
    assert sorted(statuses) == [200] * 7 + [201]
    assert Message.objects.filter(client_id="retry-1").count() == 1


def test_outsiders_get_404_and_nothing_leaks(api, people):
    answer = post_json(api.outsider, "/api/v1/spaces/rma/threads", {"title": "T", "body": "x"})
    assert answer.status_code == 404
    assert "Réseau" not in answer.content.decode()
    assert api.outsider.get("/api/v1/spaces/rma/events").status_code == 404


@pytest.mark.parametrize("payload", ["{pas du json", json.dumps({"title": "T"}),
                                     json.dumps({"title": 3, "body": []})])
def test_malformed_bodies_get_a_french_422(api, people, payload):
    answer = api.member.post("/api/v1/spaces/rma/threads", payload, content_type="application/json")
    assert answer.status_code in {400, 422}
    assert answer.json()["message"].startswith("Requête invalide")


def test_service_refusals_are_json_with_a_french_message(api, people):
    answer = post_json(api.member, "/api/v1/spaces/rma/threads", {"title": "T", "body": "   "})
    assert answer.status_code == 400
    assert answer.json() == {"code": "empty_body", "message": "Le message est vide."}
    answer = api.member.get("/api/v1/spaces/rma/events?after=-1")
    assert answer.status_code == 400


def test_a_ticket_is_issued_to_authenticated_clients(api, people):
    answer = api.member.post("/api/v1/realtime/ticket")
    assert answer.status_code == 200
    assert answer.json()["expires_in"] == 60 and len(answer.json()["ticket"]) > 30


def test_the_openapi_schema_is_served(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert {"/api/v1/auth/token", "/api/v1/spaces", "/api/v1/spaces/{slug}/threads",
            "/api/v1/threads/{thread_id}/messages", "/api/v1/spaces/{slug}/events",
            "/api/v1/realtime/ticket"} <= set(schema["paths"])
