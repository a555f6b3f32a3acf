"""After the meeting: who came, how many guests, the minutes."""

from __future__ import annotations

import pytest

from communities.errors import Forbidden, ServiceError
from docs_store.models import Document
from meetings.models import Attendance, Meeting, Presence
from meetings.services.attendance import record_attendance
from meetings.services.scheduling import cancel_meeting
from tests.conftest import People
from tests.meetings.conftest import make_past
from tests.meetings.helpers import verify_meeting_action

pytestmark = pytest.mark.django_db


def test_recording_attendance_is_an_event_with_the_totals(meeting: Meeting,
                                                          people: People) -> None:
    make_past(meeting)
    minutes_doc = Document.objects.create(space=people.space, title="Compte rendu.pdf")
    recorded, events = verify_meeting_action(
        people.space.slug,
        lambda: record_attendance(
            actor=people.facilitator, meeting=meeting,
            attendees={people.member.pk: Presence.IN_PERSON,
                       people.other_member.pk: Presence.ONLINE},
            guests=3, minutes="## Décisions\n- On recommence en mai",
            minutes_document_id=minutes_doc.pk),
        kinds=["attendance.recorded"])
    data = events[0].payload["attendance"]
    assert data["total"] == 5 and data["guests"] == 3
    assert {row["presence"] for row in data["members"]} == {"in_person", "online"}
    assert "<h2>Décisions</h2>" in recorded.minutes_html
    assert recorded.minutes_document == minutes_doc


def test_recording_again_corrects_the_list(meeting: Meeting, people: People) -> None:
    make_past(meeting)
    record_attendance(actor=people.facilitator, meeting=meeting,
                      attendees={people.member.pk: Presence.IN_PERSON})
    record_attendance(actor=people.facilitator, meeting=meeting,
                      attendees={people.other_member.pk: Presence.ONLINE}, guests=1)
    assert list(Attendance.objects.values_list("user_id", flat=True)) == [
        people.other_member.pk]


@pytest.mark.parametrize(("arguments", "code"), [
    ({"guests": -1}, "invalid_guests"),
    ({"attendees": {0: "en personne"}}, "invalid_presence"),
])
def test_bad_attendance_is_refused(meeting: Meeting, people: People, arguments: dict,
                                   code: str) -> None:
    make_past(meeting)
    arguments = {"attendees": {}, **arguments}
    with pytest.raises(ServiceError) as caught:
        record_attendance(actor=people.facilitator, meeting=meeting, **arguments)
    assert caught.value.code == code
    meeting.refresh_from_db()
    assert meeting.attendance_recorded_at is None


def test_outsiders_are_counted_as_guests_not_by_name(meeting: Meeting, people: People) -> None:
    make_past(meeting)
    with pytest.raises(ServiceError) as caught:
        record_attendance(actor=people.facilitator, meeting=meeting,
                          attendees={people.outsider.pk: Presence.IN_PERSON})
    assert caught.value.code == "not_members"


def test_not_before_the_meeting_nor_for_a_cancelled_one(meeting: Meeting,
                                                        people: People) -> None:
    with pytest.raises(ServiceError) as caught:
        record_attendance(actor=people.facilitator, meeting=meeting, attendees={})
    assert caught.value.code == "meeting_not_started"
    cancel_meeting(actor=people.facilitator, meeting=meeting)
    make_past(meeting)
    with pytest.raises(ServiceError) as caught:
        record_attendance(actor=people.facilitator, meeting=meeting, attendees={})
    assert caught.value.code == "meeting_cancelled"


def test_only_facilitators_record(meeting: Meeting, people: People) -> None:
    make_past(meeting)
    with pytest.raises(Forbidden):
        record_attendance(actor=people.member, meeting=meeting, attendees={})


def test_minutes_in_a_trashed_document_are_not_named_on_the_meeting_page(
        meeting: Meeting, people: People, client) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from docs_store.services import delete_document

    make_past(meeting)
    minutes_doc = Document.objects.create(space=people.space, title="Compte rendu confidentiel")
    record_attendance(actor=people.facilitator, meeting=meeting, attendees={},
                      minutes_document_id=minutes_doc.pk)
    client.force_login(people.member)
    page = reverse("meeting", args=[people.space.slug, meeting.pk])
    assert "Compte rendu confidentiel" in client.get(page).content.decode()
    delete_document(actor=people.facilitator, document=minutes_doc)
    assert "Compte rendu confidentiel" not in client.get(page).content.decode()
