"""The meetings API: same services, same refusals, JSON shapes equal to event payloads."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from meetings.models import Meeting
from tests.clients import api_client_for
from tests.conftest import People
from tests.meetings.conftest import in_days, make_past

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, url: str, payload: Any = None):  # type: ignore[no-untyped-def]
    return getattr(client, method)(url, json.dumps(payload or {}),
                                   content_type="application/json")


NEW = {"title": "Comité de travail", "starts_at": in_days(6).isoformat(),
       "ends_at": in_days(6, 15).isoformat(), "mode": "virtual",
       "video_url": "https://teams.microsoft.com/l/meetup-join/abc"}


def test_schedule_then_answer_then_read(people: People) -> None:
    created = send(api_client_for(people.facilitator), "post", "/api/v1/spaces/rma/meetings", NEW)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["starts_at"].endswith("+00:00")
    member = api_client_for(people.member)
    answered = send(member, "put", f"/api/v1/spaces/rma/meetings/{body['id']}/answer",
                    {"answer": "maybe"})
    assert answered.json()["counts"] == {"yes": 0, "maybe": 1, "no": 0, "waiting": 0}
    read = member.get(f"/api/v1/spaces/rma/meetings/{body['id']}").json()
    assert read["my_answer"] == "maybe"
    listed = member.get("/api/v1/spaces/rma/meetings").json()
    assert [m["id"] for m in listed] == [body["id"]]


def test_refusals_are_french_json(people: People) -> None:
    client = api_client_for(people.facilitator)
    bad = send(client, "post", "/api/v1/spaces/rma/meetings",
               {**NEW, "video_url": "http://zoom.us/j/1"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_video_url"
    assert "https://" in bad.json()["message"]
    naive = send(client, "post", "/api/v1/spaces/rma/meetings",
                 {**NEW, "starts_at": "2031-05-01T10:00:00"})
    assert naive.status_code == 422  # a time without an offset means nothing
    assert not Meeting.objects.exists()
    assert send(api_client_for(people.member), "post", "/api/v1/spaces/rma/meetings",
                NEW).status_code == 403
    assert api_client_for(people.outsider).get("/api/v1/spaces/rma/meetings").status_code == 404


def test_patch_changes_only_what_is_given(meeting: Meeting, people: People) -> None:
    client = api_client_for(people.facilitator)
    url = f"/api/v1/spaces/rma/meetings/{meeting.pk}"
    changed = send(client, "patch", url, {"capacity": 10})
    assert changed.status_code == 200
    assert changed.json()["capacity"] == 10 and changed.json()["title"] == meeting.title
    assert send(client, "patch", url, {"capacity": None}).json()["capacity"] is None
    cancelled = send(client, "post", f"{url}/cancel", {"note": "Reportée"})
    assert cancelled.json()["cancelled"] is True
    refused = send(api_client_for(people.member), "put", f"{url}/answer", {"answer": "yes"})
    assert refused.status_code == 409 and refused.json()["code"] == "meeting_cancelled"


def test_attendance_and_ics(meeting: Meeting, people: People) -> None:
    make_past(meeting)
    client = api_client_for(people.facilitator)
    url = f"/api/v1/spaces/rma/meetings/{meeting.pk}"
    recorded = send(client, "put", f"{url}/attendance",
                    {"members": [{"member": people.member.pk, "presence": "online"}],
                     "guests": 2})
    assert recorded.status_code == 200 and recorded.json()["total"] == 3
    ics = client.get(f"{url}/ics")
    assert ics["Content-Type"].startswith("text/calendar")
    assert meeting.ics_uid.encode() in ics.content
