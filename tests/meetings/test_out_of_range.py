"""Dates near the end of the calendar, capacities and ids beyond what the database holds:
once 500s (OverflowError), now French refusals that change nothing, on the pages and the API."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.urls import reverse

from communities.errors import ServiceError
from meetings.models import Attendance, Meeting
from meetings.timezones import instant_from_local
from tests.clients import api_client_for, client_for
from tests.conftest import People
from tests.ids_helper import HUGE_ID, huge_id_kept_from_the_database
from tests.meetings.conftest import make_past
from tests.meetings.test_api import NEW, send
from tests.meetings.test_pages import form_data

pytestmark = pytest.mark.django_db

FAR = "9999-12-31T23:00:00-05:00"


def test_the_last_hours_of_the_calendar_have_no_instant_and_say_so() -> None:
    with pytest.raises(ServiceError) as refused:
        instant_from_local(date(9999, 12, 31), time(23, 0))
    assert refused.value.code == "date_out_of_range"
    assert "trop lointaine" in str(refused.value.message)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"date": "9999-12-31", "start_time": "23:00", "end_time": "23:59"}, "trop lointaine"),
    ({"end_date": "9999-12-31", "end_time": "23:59"}, "trop lointaine"),
    ({"date": "9999-12-30", "end_date": "9999-12-30"}, "au plus 10 ans à l&#x27;avance"),
    ({"capacity": str(10**25)}, "inférieure ou égale à 10000"),
])
def test_the_schedule_and_edit_forms_refuse_out_of_range_values(
        people: People, overrides: dict, message: str) -> None:
    client = client_for(people.facilitator)
    response = client.post(reverse("meeting-schedule", args=["rma"]), form_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Visite puis dîner" in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_edit_form_refuses_a_far_date_and_keeps_the_meeting(meeting: Meeting,
                                                                 people: People) -> None:
    before = (meeting.starts_at, meeting.ends_at, meeting.capacity)
    client = client_for(people.facilitator)
    url = reverse("meeting-edit", args=["rma", meeting.pk])
    for overrides in [{"date": "9999-12-31", "start_time": "23:00", "end_time": "23:59"},
                      {"capacity": str(10**25)}]:
        response = client.post(url, form_data(**overrides))
        assert response.status_code == 400
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.ends_at, meeting.capacity) == before


@pytest.mark.parametrize(("overrides", "code"), [
    ({"starts_at": FAR, "ends_at": "9999-12-31T23:30:00-05:00"}, "too_far_ahead"),
    ({"capacity": 10**25}, "invalid_capacity"),
    ({"capacity": 10_001}, "invalid_capacity"),
    ({"documents": [HUGE_ID]}, "invalid_documents"),
])
def test_the_api_refuses_out_of_range_values_in_french(people: People, overrides: dict,
                                                       code: str) -> None:
    with huge_id_kept_from_the_database():
        refused = send(api_client_for(people.facilitator), "post", "/api/v1/spaces/rma/meetings",
                       {**NEW, **overrides})
    assert refused.status_code == 400, refused.content
    assert refused.json()["code"] == code
    assert refused.json()["message"][0].isupper()  # a sentence, in French
    assert not Meeting.objects.exists()


def test_the_api_patch_refuses_them_and_changes_nothing(meeting: Meeting,
                                                        people: People) -> None:
    client = api_client_for(people.facilitator)
    url = f"/api/v1/spaces/rma/meetings/{meeting.pk}"
    before = (meeting.starts_at, meeting.ends_at, meeting.capacity)
    far = send(client, "patch", url, {"starts_at": FAR, "ends_at": "9999-12-31T23:30:00-05:00"})
    assert far.status_code == 400 and far.json()["code"] == "too_far_ahead"
    assert "10 ans" in far.json()["message"]
    big = send(client, "patch", url, {"capacity": 10**25})
    assert big.status_code == 400 and "au plus 10000" in big.json()["message"]
    with huge_id_kept_from_the_database():
        documents = send(client, "patch", url, {"documents": [HUGE_ID]})
    assert documents.status_code == 400 and documents.json()["code"] == "invalid_documents"
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.ends_at, meeting.capacity) == before


def test_attendance_with_huge_ids_is_refused_like_unknown_ones(meeting: Meeting,
                                                               people: People) -> None:
    make_past(meeting)
    client = api_client_for(people.facilitator)
    url = f"/api/v1/spaces/rma/meetings/{meeting.pk}/attendance"
    with huge_id_kept_from_the_database():
        stranger = send(client, "put", url,
                        {"members": [{"member": HUGE_ID, "presence": "online"}]})
        minutes = send(client, "put", url, {"members": [], "minutes_document": HUGE_ID})
    assert stranger.status_code == 400 and stranger.json()["code"] == "not_members"
    assert minutes.status_code == 400 and minutes.json()["code"] == "invalid_documents"
    assert "n'existe pas dans cet espace" in minutes.json()["message"]
    meeting.refresh_from_db()
    assert meeting.attendance_recorded_at is None and not Attendance.objects.exists()
