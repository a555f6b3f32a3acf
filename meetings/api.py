"""JSON API for meetings: parse, call a service or selector, shape the answer. Times are
ISO 8601 with an offset (UTC or America/Toronto, either works); answers come back in UTC."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import AwareDatetime, Field

from communities import selectors as space_selectors
from communities.api import ErrorOut, PersonOut, SpaceSlug, bearer
from communities.errors import ServiceError
from communities.models import User
from meetings import selectors
from meetings.calendar import meeting_calendar
from meetings.models import Meeting
from meetings.serializers import meeting_data
from meetings.services import attendance, rsvp, scheduling
from meetings.services.attendance import attendance_data
from meetings.services.waiting_list import rsvp_counts, waiting_position

router = Router(auth=bearer, tags=["meetings"])


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _meeting(request: HttpRequest, slug: str, meeting_id: int) -> Meeting:
    space = space_selectors.visible_space(user=_user(request), slug=slug)
    return selectors.visible_meeting(user=_user(request), space=space, meeting_id=meeting_id)


class Counts(Schema):
    yes: int
    maybe: int
    no: int
    waiting: int


class MeetingOut(Schema):
    id: int
    space: str
    title: str
    agenda: str
    agenda_html: str
    starts_at: str
    ends_at: str
    mode: str
    address: str
    video_url: str
    capacity: int | None
    documents: list[int]
    sequence: int
    cancelled: bool
    cancellation_note: str
    created_by: PersonOut | None


class MeetingDetail(MeetingOut):
    counts: Counts
    my_answer: str | None
    my_waiting_position: int | None


class NewMeeting(Schema):
    title: str
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    mode: Literal["in_person", "virtual", "hybrid"]
    agenda: str = ""
    address: str = ""
    video_url: str = ""
    capacity: int | None = None
    documents: list[int] = Field(default_factory=list)


class MeetingChange(Schema):
    title: str | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    mode: Literal["in_person", "virtual", "hybrid"] | None = None
    agenda: str | None = None
    address: str | None = None
    video_url: str | None = None
    # Explicit null removes the limit; leaving it out keeps it.
    capacity: int | None = None
    documents: list[int] | None = None


class Cancellation(Schema):
    note: str = ""


class AnswerIn(Schema):
    answer: Literal["yes", "no", "maybe"]


class AnswerOut(Schema):
    answer: str
    waiting: bool
    waiting_position: int | None
    counts: Counts


class AttendeeIn(Schema):
    member: int
    presence: Literal["in_person", "online"]


class AttendanceIn(Schema):
    members: list[AttendeeIn]
    guests: int = 0
    minutes: str = ""
    minutes_document: int | None = None


class AttendeeOut(Schema):
    member: PersonOut
    presence: str


class AttendanceOut(Schema):
    members: list[AttendeeOut]
    guests: int
    total: int
    minutes: str
    minutes_html: str
    minutes_document: int | None
    recorded_at: str | None


def _detail(meeting: Meeting, user: User) -> dict[str, Any]:
    mine = meeting.rsvps.filter(user=user).first()
    return {**meeting_data(meeting), "counts": rsvp_counts(meeting),
            "my_answer": mine.answer if mine else None,
            "my_waiting_position": waiting_position(mine) if mine else None}


@router.get("/spaces/{slug}/meetings", response={200: list[MeetingOut], 404: ErrorOut},
            summary="Rencontres d'un espace / Meetings of a space")
def list_meetings(request: HttpRequest, slug: SpaceSlug,
                  when: Literal["upcoming", "past"] = "upcoming") -> list[dict[str, Any]]:
    space = space_selectors.visible_space(user=_user(request), slug=slug)
    found = selectors.upcoming_meetings(space) if when == "upcoming" else \
        selectors.past_meetings(space)[:200]
    return [meeting_data(m) for m in found]


@router.post("/spaces/{slug}/meetings",
             response={201: MeetingDetail, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
             summary="Planifier une rencontre / Schedule a meeting")
def schedule(request: HttpRequest, slug: SpaceSlug, payload: NewMeeting) -> Status[dict[str, Any]]:
    space = space_selectors.visible_space(user=_user(request), slug=slug)
    meeting = scheduling.schedule_meeting(
        actor=_user(request), space=space, title=payload.title, starts_at=payload.starts_at,
        ends_at=payload.ends_at, mode=payload.mode, agenda=payload.agenda,
        address=payload.address, video_url=payload.video_url, capacity=payload.capacity,
        document_ids=payload.documents)
    return Status(201, _detail(meeting, _user(request)))


@router.get("/spaces/{slug}/meetings/{meeting_id}",
            response={200: MeetingDetail, 404: ErrorOut},
            summary="Une rencontre / One meeting")
def detail(request: HttpRequest, slug: SpaceSlug, meeting_id: int) -> dict[str, Any]:
    return _detail(_meeting(request, slug, meeting_id), _user(request))


@router.patch("/spaces/{slug}/meetings/{meeting_id}",
              response={200: MeetingDetail, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                        409: ErrorOut},
              summary="Modifier une rencontre / Change a meeting")
def change(request: HttpRequest, slug: SpaceSlug, meeting_id: int,
           payload: MeetingChange) -> dict[str, Any]:
    given = payload.model_dump(exclude_unset=True)
    # null means "no limit" for capacity and "none" for documents; for the others it would
    # reach the service as a value, so it is refused rather than guessed.
    nulls = sorted(name for name, value in given.items()
                   if value is None and name not in ("capacity", "documents"))
    if nulls:
        raise ServiceError("null_field", _(
            "Ces champs ne peuvent pas valoir null : %(fields)s. Omettez un champ pour le "
            "garder tel quel.") % {"fields": ", ".join(nulls)})
    if "documents" in given:
        given["document_ids"] = given.pop("documents") or []
    meeting = scheduling.update_meeting(actor=_user(request),
                                        meeting=_meeting(request, slug, meeting_id), **given)
    return _detail(meeting, _user(request))


@router.post("/spaces/{slug}/meetings/{meeting_id}/cancel",
             response={200: MeetingDetail, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       409: ErrorOut},
             summary="Annuler une rencontre / Cancel a meeting")
def cancel(request: HttpRequest, slug: SpaceSlug, meeting_id: int,
           payload: Cancellation) -> dict[str, Any]:
    meeting = scheduling.cancel_meeting(actor=_user(request),
                                        meeting=_meeting(request, slug, meeting_id),
                                        note=payload.note)
    return _detail(meeting, _user(request))


@router.put("/spaces/{slug}/meetings/{meeting_id}/answer",
            response={200: AnswerOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                      409: ErrorOut},
            summary="Répondre : oui, non, peut-être / Answer yes, no, maybe")
def answer(request: HttpRequest, slug: SpaceSlug, meeting_id: int,
           payload: AnswerIn) -> dict[str, Any]:
    meeting = _meeting(request, slug, meeting_id)
    given = rsvp.answer_meeting(actor=_user(request), meeting=meeting, answer=payload.answer)
    return {"answer": given.answer, "waiting": given.waitlisted_at is not None,
            "waiting_position": waiting_position(given), "counts": rsvp_counts(meeting)}


@router.put("/spaces/{slug}/meetings/{meeting_id}/attendance",
            response={200: AttendanceOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                      409: ErrorOut},
            summary="Noter les présences / Record attendance")
def record(request: HttpRequest, slug: SpaceSlug, meeting_id: int,
           payload: AttendanceIn) -> dict[str, Any]:
    meeting = attendance.record_attendance(
        actor=_user(request), meeting=_meeting(request, slug, meeting_id),
        attendees={a.member: a.presence for a in payload.members}, guests=payload.guests,
        minutes=payload.minutes, minutes_document_id=payload.minutes_document)
    return attendance_data(meeting)


@router.get("/spaces/{slug}/meetings/{meeting_id}/ics", response={404: ErrorOut},
            summary="La rencontre en iCalendar / The meeting as iCalendar (.ics)",
            openapi_extra={"responses": {"200": {
                "description": "RFC 5545",
                "content": {"text/calendar": {"schema": {"type": "string"}}}}}})
def ics(request: HttpRequest, slug: SpaceSlug, meeting_id: int) -> HttpResponse:
    body = meeting_calendar(_meeting(request, slug, meeting_id)).to_ical()
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
