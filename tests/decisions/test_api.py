"""The decisions API: the same services and refusals as the pages, shapes equal to the
events' payloads."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from communities.models import Event
from decisions.models import ActionItem
from tests.clients import api_client_for
from tests.conftest import People
from tests.decisions.helpers import a_thread, held_meeting, in_days

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, url: str, payload: Any = None):  # type: ignore[no-untyped-def]
    return getattr(client, method)(url, json.dumps(payload or {}),
                                   content_type="application/json")


def test_record_list_and_change_status(people: People) -> None:
    meeting = held_meeting(people)
    facilitator = api_client_for(people.facilitator)
    decided = send(facilitator, "post", "/api/v1/spaces/rma/decisions", {
        "text": "Adopter le plan", "decided_on": in_days(0).isoformat(),
        "meeting": meeting.pk})
    assert decided.status_code == 201, decided.content
    assert decided.json() == Event.objects.get(kind="decision.recorded").payload["decision"]
    created = send(facilitator, "post", "/api/v1/spaces/rma/actions", {
        "what": "Réserver la salle", "assignees": [people.member.pk],
        "due_on": in_days(3).isoformat(), "meeting": meeting.pk})
    assert created.status_code == 201, created.content
    action_id = created.json()["id"]
    member = api_client_for(people.member)
    assert [d["text"] for d in member.get("/api/v1/spaces/rma/decisions").json()] == [
        "Adopter le plan"]
    mine = member.get(f"/api/v1/spaces/rma/actions?assignee={people.member.pk}").json()
    assert [a["id"] for a in mine] == [action_id]
    changed = send(member, "post", f"/api/v1/spaces/rma/actions/{action_id}/status",
                   {"status": "doing"})
    assert changed.status_code == 200 and changed.json()["status"] == "doing"
    refused = send(api_client_for(people.other_member), "post",
                   f"/api/v1/spaces/rma/actions/{action_id}/status", {"status": "done"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"


def test_bad_input_is_refused_in_french(people: People) -> None:
    thread = a_thread(people)
    member = api_client_for(people.member)
    for payload, code in (
        ({"what": "x", "assignees": [people.outsider.pk], "due_on": in_days(3).isoformat(),
          "thread": thread.pk}, "assignee_not_member"),
        ({"what": "x", "assignees": [people.member.pk], "due_on": in_days(-3).isoformat(),
          "thread": thread.pk}, "due_in_past"),
        ({"what": "", "assignees": [people.member.pk], "due_on": in_days(3).isoformat(),
          "thread": thread.pk}, "empty_what"),
        ({"what": "x", "assignees": [people.member.pk], "due_on": in_days(3).isoformat(),
          "thread": thread.pk, "meeting": held_meeting(people).pk}, "invalid_source"),
    ):
        answer = send(member, "post", "/api/v1/spaces/rma/actions", payload)
        assert answer.status_code == 400, (payload, answer.content)
        assert answer.json()["code"] == code
    huge = send(member, "post", "/api/v1/spaces/rma/actions", {
        "what": "x", "assignees": [people.member.pk], "due_on": in_days(3).isoformat(),
        "thread": 2**70})
    assert huge.status_code == 422
    assert not ActionItem.objects.exists()


def test_outsiders_get_not_found(people: People) -> None:
    outsider = api_client_for(people.outsider)
    assert outsider.get("/api/v1/spaces/rma/decisions").status_code == 404
    assert send(outsider, "post", "/api/v1/spaces/rma/decisions", {
        "text": "x", "decided_on": in_days(0).isoformat(),
        "thread": a_thread(people).pk}).status_code == 404
