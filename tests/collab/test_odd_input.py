"""Odd input gets a French refusal, never a 500: a lone surrogate (JSON's "\\ud800", which
UTF-8 cannot encode) or a NUL (which PostgreSQL refuses in text) anywhere in an API body,
and ids of more than 4,300 digits (which Python refuses to convert) in pages and the API.
On PostgreSQL, where NUL used to fail in the driver."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import ApiToken, Message, Thread
from communities.services.discussion import start_thread
from docs_store.models import Folder
from meetings.models import Meeting
from tests.conftest import People
from tests.meetings.conftest import in_days, make_past, schedule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uses_postgres")]

SURROGATE = "\\ud800"  # as it travels in JSON: an escape json.loads turns into a lone half
NUL = "\\u0000"
HUGE = "9" * 5000


def token(email: str) -> str:
    return Client().post("/api/v1/auth/token", {"email": email,
                                                "password": "mot-de-passe-solide-42"},
                         content_type="application/json").json()["token"]


def raw_json(client: Client, method: str, url: str, body: str) -> Any:
    """Send ``body`` as typed: Django's client would encode a str payload itself."""
    return getattr(client, method)(url, body.encode(), content_type="application/json")


def assert_refused_in_french(response: Any) -> None:
    assert response.status_code in (400, 422), (response.status_code, response.content)
    answer = response.json()
    assert answer["code"] in ("invalid_text", "invalid_request", "invalid_attachment")
    assert "invalide" in answer["message"]


@pytest.fixture
def thread(people: People) -> Thread:
    return start_thread(actor=people.member, space=people.space, title="Parcs",
                        body="Qui a des exemples ?").thread


@pytest.fixture
def member_api(people: People) -> Client:
    return Client(headers={"authorization": f"Bearer {token(people.member.email)}"})


@pytest.fixture
def facilitator_api(people: People) -> Client:
    return Client(headers={"authorization": f"Bearer {token(people.facilitator.email)}"})


@pytest.mark.parametrize("odd", [SURROGATE, NUL])
def test_the_token_endpoint_refuses_unstorable_text(people: People, odd: str) -> None:
    before = ApiToken.objects.count()
    assert_refused_in_french(raw_json(
        Client(), "post", "/api/v1/auth/token",
        f'{{"email": "{odd}{people.member.email}", "password": "mot-de-passe-solide-42"}}'))
    assert_refused_in_french(raw_json(
        Client(), "post", "/api/v1/auth/token",
        f'{{"email": "{people.member.email}", "password": "mot-de-passe{odd}"}}'))
    assert ApiToken.objects.count() == before


@pytest.mark.parametrize("odd", [SURROGATE, NUL])
@pytest.mark.parametrize("field", ["body", "client_id"])
def test_a_message_refuses_unstorable_text(member_api: Client, thread: Thread, odd: str,
                                           field: str) -> None:
    fields = {"body": "Bonjour", "client_id": "abc"}
    fields[field] += odd
    body = ", ".join(f'"{k}": "{v}"' for k, v in fields.items())
    assert_refused_in_french(raw_json(member_api, "post", f"/api/v1/threads/{thread.pk}/messages",
                                      f"{{{body}}}"))
    assert thread.messages.count() == 1


@pytest.mark.parametrize("odd", [SURROGATE, NUL])
def test_a_thread_title_refuses_unstorable_text(member_api: Client, thread: Thread,
                                                odd: str) -> None:
    assert_refused_in_french(raw_json(member_api, "post", "/api/v1/spaces/rma/threads",
                                      f'{{"title": "Parcs{odd}", "body": "Bonjour"}}'))
    assert_refused_in_french(raw_json(member_api, "patch", f"/api/v1/threads/{thread.pk}",
                                      f'{{"title": "Parcs{odd}"}}'))
    assert list(Thread.objects.values_list("title", flat=True)) == ["Parcs"]


@pytest.mark.parametrize("field", ["title", "agenda", "address", "video_url"])
def test_meeting_fields_refuse_a_lone_surrogate(facilitator_api: Client, field: str) -> None:
    fields = {"title": "Comité", "agenda": "Tour de table", "address": "1 rue Principale",
              "video_url": "https://zoom.us/j/1"}
    fields[field] += SURROGATE
    body = ", ".join(f'"{k}": "{v}"' for k, v in fields.items())
    assert_refused_in_french(raw_json(
        facilitator_api, "post", "/api/v1/spaces/rma/meetings",
        f'{{{body}, "mode": "hybrid", "starts_at": "{in_days(5).isoformat()}", '
        f'"ends_at": "{in_days(5, 15).isoformat()}"}}'))
    assert not Meeting.objects.exists()


def test_minutes_refuse_a_lone_surrogate(facilitator_api: Client, people: People) -> None:
    meeting = make_past(schedule(people))
    assert_refused_in_french(raw_json(
        facilitator_api, "put", f"/api/v1/spaces/rma/meetings/{meeting.pk}/attendance",
        f'{{"members": [], "guests": 1, "minutes": "Adopté{SURROGATE}"}}'))
    assert not meeting.attendances.exists()
    assert Meeting.objects.get(pk=meeting.pk).minutes == ""


def test_huge_ids_in_api_bodies_are_refused(member_api: Client, facilitator_api: Client,
                                            thread: Thread) -> None:
    assert_refused_in_french(raw_json(member_api, "post", f"/api/v1/threads/{thread.pk}/read",
                                      f'{{"up_to": {HUGE}}}'))
    assert_refused_in_french(raw_json(member_api, "post", f"/api/v1/threads/{thread.pk}/messages",
                                      f'{{"body": "Voir", "attachments": [{HUGE}]}}'))
    assert_refused_in_french(raw_json(member_api, "post", f"/api/v1/threads/{thread.pk}/messages",
                                      f'{{"body": "Voir", "reply_to": {HUGE}}}'))
    assert_refused_in_french(raw_json(facilitator_api, "post", "/api/v1/spaces/rma/folders",
                                      f'{{"name": "PV", "parent": {HUGE}}}'))
    assert thread.messages.count() == 1 and not Folder.objects.exists()


def test_huge_ids_in_api_queries_are_refused(member_api: Client, thread: Thread) -> None:
    assert_refused_in_french(member_api.get(f"/api/v1/threads/{thread.pk}?after={HUGE}"))
    assert_refused_in_french(member_api.get(f"/api/v1/documents/1/download?version={HUGE}"))
    assert_refused_in_french(member_api.get(f"/api/v1/spaces/rma/documents?folder={HUGE}"))


def test_huge_ids_in_pages_are_unknown_ids(people: People, thread: Thread) -> None:
    """A page treats an id no row can have like any unknown id: the thread opens at its
    usual place, an attachment, a version or a folder that cannot exist is not found."""
    browser = Client()
    browser.force_login(people.member)
    page = reverse("thread", args=["rma", thread.pk])
    assert browser.get(f"{page}?message={HUGE}").status_code == 200
    assert browser.get(f"{page}?reply_to={HUGE}").status_code == 200
    assert browser.get(f"{page}?avant={HUGE}").status_code == 200
    read = browser.post(reverse("thread-read", args=["rma", thread.pk]), {"up_to": HUGE})
    assert read.status_code == 302
    refused = browser.post(page, {"body": "Voir la pièce", "attachments": [HUGE]})
    assert refused.status_code == 400  # refused as any unknown document, in French
    assert "mis à la corbeille" in html.unescape(refused.content.decode())
    assert thread.messages.count() == 1
    assert browser.get(reverse("document-download", args=["rma", 1]) + f"?version={HUGE}"
                       ).status_code == 404
    facilitator = Client()
    facilitator.force_login(people.facilitator)
    created = facilitator.post(reverse("folder-create", args=["rma"]),
                               {"name": "PV", "parent": HUGE})
    assert created.status_code == 404 and not Folder.objects.exists()
    assert Message.objects.count() == 1


def test_nul_in_a_path_or_a_query_is_refused(member_api: Client) -> None:
    slug = member_api.get("/api/v1/spaces/rma%00/threads")
    assert slug.status_code == 422 and "invalide" in slug.json()["message"]
    assert_refused_in_french(member_api.get("/api/v1/search?q=parc%00s"))
    assert_refused_in_french(member_api.get("/api/v1/search/documents?q=%00"))


def test_null_for_a_meeting_field_that_cannot_be_empty_is_refused(
        facilitator_api: Client, people: People) -> None:
    meeting = schedule(people)
    refused = raw_json(facilitator_api, "patch", f"/api/v1/spaces/rma/meetings/{meeting.pk}",
                       '{"starts_at": null, "mode": null, "agenda": null}')
    assert refused.status_code == 400, refused.content
    assert refused.json()["code"] == "null_field"
    assert "agenda, mode, starts_at" in refused.json()["message"]
    kept = Meeting.objects.get(pk=meeting.pk)
    assert (kept.starts_at, kept.mode, kept.agenda) == (meeting.starts_at, meeting.mode,
                                                         meeting.agenda)
