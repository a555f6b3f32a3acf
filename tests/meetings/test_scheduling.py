"""Scheduling, editing and cancelling: events a client can apply, emails with calendars,
bad input refused with nothing changed."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.core import mail as outbox
from django.test import TestCase
from django.utils import timezone

from communities.errors import Forbidden, ServiceError
from communities.models import Event
from docs_store.models import Document
from meetings.models import Answer, Meeting, MeetingMode
from meetings.services.rsvp import answer_meeting
from meetings.services.scheduling import cancel_meeting, update_meeting
from tests.conftest import People
from tests.meetings.conftest import in_days, schedule
from tests.meetings.helpers import verify_meeting_action

pytestmark = pytest.mark.django_db


def test_scheduling_emits_the_meeting_and_invites_every_member(people: People) -> None:
    meeting, events = verify_meeting_action(
        people.space.slug, lambda: schedule(people), kinds=["meeting.scheduled"])
    data = events[0].payload["meeting"]
    assert data["title"] == "Rencontre virtuelle du réseau"
    assert data["starts_at"] == meeting.starts_at.astimezone(UTC).isoformat()
    assert "<strong>Bilan</strong>" in data["agenda_html"]
    assert "@" not in str(events[0].payload)  # no email address in what every member reads
    assert sorted(m.to[0] for m in outbox.outbox) == sorted(
        [people.facilitator.email, people.member.email, people.other_member.email])


def test_stored_in_utc_and_shown_in_toronto(people: People) -> None:
    meeting = schedule(people)
    meeting.refresh_from_db()
    assert meeting.starts_at.utcoffset() == timedelta(0)
    assert meeting.starts_at == in_days(10)


def test_invitees_limit_the_invitation_to_members_among_them(people: People) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        schedule(people, invitees=[people.member, people.outsider])
    assert [m.to for m in outbox.outbox] == [[people.member.email]]


def test_agenda_is_sanitised_like_messages(people: People) -> None:
    meeting = schedule(people, agenda="<script>alert(1)</script>[x](javascript:alert(1))")
    assert "<script" not in meeting.agenda_html
    assert "href=\"javascript" not in meeting.agenda_html
    assert meeting.agenda_html.startswith("<p>&lt;script&gt;")  # shown as text, inert


@pytest.mark.parametrize(("overrides", "code"), [
    ({"ends_at": in_days(10, 12, 0)}, "ends_before_start"),
    ({"starts_at": timezone.now() - timedelta(hours=1), "ends_at": in_days(1)}, "start_in_past"),
    ({"video_url": "http://zoom.us/j/1"}, "invalid_video_url"),
    ({"video_url": "zoom.us/j/1"}, "invalid_video_url"),
    ({"video_url": "https://"}, "invalid_video_url"),
    ({"video_url": "javascript:alert(1)"}, "invalid_video_url"),
    ({"video_url": ""}, "video_url_required"),
    ({"mode": MeetingMode.IN_PERSON, "address": ""}, "address_required"),
    ({"mode": MeetingMode.HYBRID, "address": ""}, "address_required"),
    ({"mode": "en-personne"}, "invalid_mode"),
    ({"title": "   "}, "invalid_title"),
    ({"capacity": 0}, "invalid_capacity"),
    ({"ends_at": in_days(30)}, "too_long"),
])
def test_bad_input_is_refused_in_french_and_nothing_is_created(
        people: People, overrides: dict, code: str) -> None:
    with pytest.raises(ServiceError) as caught:
        schedule(people, **overrides)
    assert caught.value.code == code
    assert str(caught.value.message)  # a sentence for people, in French by default
    assert not Meeting.objects.exists()
    assert not Event.objects.filter(kind="meeting.scheduled").exists()


def test_only_facilitators_schedule(people: People) -> None:
    from meetings.services.scheduling import schedule_meeting

    with pytest.raises(Forbidden):
        schedule_meeting(actor=people.member, space=people.space, title="x",
                         starts_at=in_days(3), ends_at=in_days(3, 15), mode="virtual",
                         video_url="https://meet.example/x")


def test_linked_documents_must_belong_to_the_space(people: People) -> None:
    from communities.models import Space

    elsewhere = Space.objects.create(slug="autre", name="Autre")
    foreign = Document.objects.create(space=elsewhere, title="Plan")
    with pytest.raises(ServiceError) as caught:
        schedule(people, document_ids=[foreign.pk])
    assert caught.value.code == "invalid_documents"
    ours = Document.objects.create(space=people.space, title="Ordre du jour.pdf")
    meeting = schedule(people, document_ids=[ours.pk])
    assert list(meeting.documents.all()) == [ours]


def test_update_raises_sequence_and_tells_members(meeting: Meeting, people: People) -> None:
    updated, events = verify_meeting_action(
        people.space.slug,
        lambda: update_meeting(actor=people.facilitator, meeting=meeting,
                               starts_at=in_days(11), ends_at=in_days(11, 15)),
        kinds=["meeting.updated"])
    assert updated.sequence == 1
    assert events[0].payload["changes"] == ["starts_at", "ends_at"]
    assert len(outbox.outbox) == 3
    assert "modifiée" in outbox.outbox[0].subject
    assert "Ce qui change : l'horaire\n" in outbox.outbox[0].body


def test_update_with_nothing_new_writes_and_emits_nothing(meeting: Meeting,
                                                          people: People) -> None:
    verify_meeting_action(people.space.slug,
                          lambda: update_meeting(actor=people.facilitator, meeting=meeting,
                                                 title=meeting.title),
                          kinds=[])
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_capacity_below_the_yes_already_given_is_refused(meeting: Meeting,
                                                         people: People) -> None:
    answer_meeting(actor=people.member, meeting=meeting, answer=Answer.YES)
    answer_meeting(actor=people.other_member, meeting=meeting, answer=Answer.YES)
    with pytest.raises(ServiceError) as caught:
        update_meeting(actor=people.facilitator, meeting=meeting, capacity=1)
    assert caught.value.code == "capacity_below_rsvps"
    assert "2 personnes" in str(caught.value)
    meeting.refresh_from_db()
    assert meeting.capacity is None


def test_moving_to_the_past_is_refused(meeting: Meeting, people: People) -> None:
    with pytest.raises(ServiceError) as caught:
        update_meeting(actor=people.facilitator, meeting=meeting,
                       starts_at=timezone.now() - timedelta(days=1))
    assert caught.value.code == "start_in_past"
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_cancel_marks_the_meeting_and_sends_cancellations(meeting: Meeting,
                                                         people: People) -> None:
    cancelled, events = verify_meeting_action(
        people.space.slug,
        lambda: cancel_meeting(actor=people.facilitator, meeting=meeting, note="Tempête"),
        kinds=["meeting.cancelled"])
    assert cancelled.is_cancelled and cancelled.sequence == 1
    assert events[0].payload["meeting"]["cancelled"] is True
    assert len(outbox.outbox) == 3
    assert "annulée" in outbox.outbox[0].subject
    with pytest.raises(ServiceError) as caught:
        update_meeting(actor=people.facilitator, meeting=meeting, title="Autre")
    assert caught.value.code == "meeting_cancelled"


def test_a_rolled_back_schedule_sends_nothing(people: People) -> None:
    from django.db import transaction

    with TestCase.captureOnCommitCallbacks(execute=True), pytest.raises(RuntimeError), \
            transaction.atomic():
        schedule(people)
        raise RuntimeError("boom")
    assert outbox.outbox == []
    assert not Meeting.objects.exists()
