"""Schedule, edit and cancel meetings. Every change is one transaction with its event; the
emails (with the calendar invitation) leave after commit, through meetings.mail."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, Final

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import ServiceError
from communities.events import emit
from communities.markdown import render_markdown
from communities.models import Membership, Space, User
from communities.serializers import person
from meetings import tasks
from meetings.access import require_organiser
from meetings.mail import MailKind
from meetings.models import Answer, Meeting
from meetings.serializers import meeting_data
from meetings.services import validation
from meetings.services.waiting_list import promote_waiting, seats_taken


class _Unchanged:
    """Marks an update argument that was not given (None is a real value for capacity)."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Final = _Unchanged()

# Fields a calendar shows: changing one of them sends an update to everyone's calendar.
CALENDAR_FIELDS = ("title", "agenda", "starts_at", "ends_at", "mode", "address", "video_url")


def _member_ids(space: Space) -> list[int]:
    return list(Membership.objects.filter(space=space, user__is_active=True)
                .values_list("user_id", flat=True))


def schedule_meeting(
    *,
    actor: User,
    space: Space,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    mode: str,
    agenda: str = "",
    address: str = "",
    video_url: str = "",
    capacity: int | None = None,
    document_ids: Sequence[int] = (),
    invitees: Collection[User] | None = None,
) -> Meeting:
    """Create a meeting and invite people to it by email with a METHOD:REQUEST calendar
    invitation: ``invitees`` when given (a date poll invites those who answered it), else
    every member of the space. Times are aware datetimes (stored in UTC)."""
    require_organiser(actor=actor, space=space)
    title = validation.clean_title(title)
    agenda = validation.clean_agenda(agenda)
    validation.check_times(starts_at=starts_at, ends_at=ends_at, must_be_future=True)
    validation.check_wall_clock(starts_at, ends_at)
    address, video_url = validation.clean_place(mode=mode, address=address, video_url=video_url)
    capacity = validation.check_capacity(capacity)
    documents = validation.documents_of_space(space=space, document_ids=document_ids)
    now = timezone.now()
    with transaction.atomic():
        meeting = Meeting.objects.create(
            space=space, title=title, agenda=agenda, agenda_html=render_markdown(agenda),
            starts_at=starts_at, ends_at=ends_at, mode=mode, address=address,
            video_url=video_url, capacity=capacity, created_by=actor, created_at=now,
            updated_at=now,
        )
        meeting.documents.set(documents)
        emit(kind="meeting.scheduled", actor=actor, space=space,
             data={"meeting": meeting_data(meeting)})
        if invitees is None:
            recipient_ids = _member_ids(space)
        else:
            members = set(_member_ids(space))
            recipient_ids = [user.pk for user in invitees if user.pk in members]
        tasks.send_after_commit(kind=MailKind.INVITATION, meeting=meeting,
                               user_ids=recipient_ids)
    return meeting


def record_held_meeting(
    *,
    actor: User,
    space: Space,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    mode: str,
    agenda: str = "",
    address: str = "",
    video_url: str = "",
) -> Meeting:
    """Add a meeting that already took place (held before the space came to the platform, or
    organised elsewhere) so that its attendance and minutes can be recorded and it counts in
    the activity report. It is announced like any meeting, but nobody is invited: it is over."""
    require_organiser(actor=actor, space=space)
    title = validation.clean_title(title)
    agenda = validation.clean_agenda(agenda)
    validation.check_times(starts_at=starts_at, ends_at=ends_at, must_be_future=False)
    validation.check_wall_clock(starts_at, ends_at)
    if ends_at > timezone.now():
        raise ServiceError("meeting_not_over", _("Cette rencontre n'est pas terminée : "
                                                 "planifiez-la plutôt, les membres recevront "
                                                 "une invitation."))
    address, video_url = validation.clean_place(mode=mode, address=address, video_url=video_url)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            space=space, title=title, agenda=agenda, agenda_html=render_markdown(agenda),
            starts_at=starts_at, ends_at=ends_at, mode=mode, address=address,
            video_url=video_url, created_by=actor,
        )
        emit(kind="meeting.scheduled", actor=actor, space=space,
             data={"meeting": meeting_data(meeting)})
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    locked = (Meeting.objects.select_for_update(of=("self",)).select_related("space", "created_by")
              .get(pk=meeting.pk))
    if locked.cancelled_at is not None:
        raise ServiceError("meeting_cancelled", _("Cette rencontre est annulée : elle ne peut "
                                                  "plus être modifiée."), status=409)
    return locked


def update_meeting(
    *,
    actor: User,
    meeting: Meeting,
    title: str | _Unchanged = UNCHANGED,
    starts_at: datetime | _Unchanged = UNCHANGED,
    ends_at: datetime | _Unchanged = UNCHANGED,
    mode: str | _Unchanged = UNCHANGED,
    agenda: str | _Unchanged = UNCHANGED,
    address: str | _Unchanged = UNCHANGED,
    video_url: str | _Unchanged = UNCHANGED,
    capacity: int | _Unchanged | None = UNCHANGED,
    document_ids: Sequence[int] | _Unchanged = UNCHANGED,
) -> Meeting:
    """Change what was given. A change people must see in their calendar raises SEQUENCE and
    emails every member an update; raising the capacity seats people from the waiting list.
    Nothing given that differs: nothing written, nothing emitted."""
    require_organiser(actor=actor, space=meeting.space)
    with transaction.atomic():
        current = _locked(meeting)
        new: dict[str, Any] = {
            "title": current.title if isinstance(title, _Unchanged)
            else validation.clean_title(title),
            "agenda": current.agenda if isinstance(agenda, _Unchanged)
            else validation.clean_agenda(agenda),
            "starts_at": current.starts_at if isinstance(starts_at, _Unchanged) else starts_at,
            "ends_at": current.ends_at if isinstance(ends_at, _Unchanged) else ends_at,
            "mode": current.mode if isinstance(mode, _Unchanged) else mode,
        }
        moved = new["starts_at"] != current.starts_at or new["ends_at"] != current.ends_at
        # A meeting may be corrected after it started (title, agenda, link), but moved only
        # to the future.
        validation.check_times(starts_at=new["starts_at"], ends_at=new["ends_at"],
                               must_be_future=new["starts_at"] != current.starts_at)
        if moved and current.has_started:
            raise ServiceError("meeting_started", _("La rencontre est commencée : son horaire "
                                                    "ne peut plus changer."))
        validation.check_wall_clock(*(new[name] for name in ("starts_at", "ends_at")
                                      if new[name] != getattr(current, name)))
        new["address"], new["video_url"] = validation.clean_place(
            mode=new["mode"],
            address=current.address if isinstance(address, _Unchanged) else address,
            video_url=current.video_url if isinstance(video_url, _Unchanged) else video_url,
        )
        new["capacity"] = validation.check_capacity(
            current.capacity if isinstance(capacity, _Unchanged) else capacity,
            seats_taken=seats_taken(current),
        )
        documents = None if isinstance(document_ids, _Unchanged) else (
            validation.documents_of_space(space=current.space, document_ids=document_ids))

        changed = [name for name, value in new.items() if getattr(current, name) != value]
        documents_changed = documents is not None and (
            {d.pk for d in documents} != set(current.documents.values_list("pk", flat=True)))
        if not changed and not documents_changed:
            return current
        for name in changed:
            setattr(current, name, new[name])
        current.agenda_html = render_markdown(current.agenda)
        calendar_changed = any(name in CALENDAR_FIELDS for name in changed)
        if calendar_changed:
            current.sequence += 1
        current.updated_at = timezone.now()
        current.save()
        if documents is not None and documents_changed:
            current.documents.set(documents)
            changed.append("documents")
        emit(kind="meeting.updated", actor=actor, space=current.space,
             data={"meeting": meeting_data(current), "changes": changed, "by": person(actor)})
        if "capacity" in changed:
            promote_waiting(meeting=current, actor=actor)
        if calendar_changed:
            tasks.send_after_commit(kind=MailKind.UPDATE, meeting=current,
                                   user_ids=_member_ids(current.space),
                                   changes=[c for c in changed if c in CALENDAR_FIELDS])
    return current


def cancel_meeting(*, actor: User, meeting: Meeting, note: str = "") -> Meeting:
    """Cancel for everyone: the row stays (its calendar UID is needed to remove it from
    calendars), answers are kept, reminders stop, and members get a METHOD:CANCEL email."""
    require_organiser(actor=actor, space=meeting.space)
    note = (note or "").strip()
    if len(note) > validation.ADDRESS_MAX:
        raise ServiceError("invalid_note", _("Le motif de l'annulation est trop long."))
    with transaction.atomic():
        current = _locked(meeting)
        if current.ends_at <= timezone.now():
            raise ServiceError("meeting_over", _("Cette rencontre a déjà eu lieu : elle ne peut "
                                                 "plus être annulée."))
        current.cancelled_at = timezone.now()
        current.cancelled_by = actor
        current.cancellation_note = note
        current.sequence += 1
        current.updated_at = current.cancelled_at
        current.save()
        emit(kind="meeting.cancelled", actor=actor, space=current.space,
             data={"meeting": meeting_data(current), "by": person(actor)})
        # Those who said no have nothing to remove, but it is in their calendar if their
        # mail client added the invitation on arrival, so everyone is told.
        tasks.send_after_commit(kind=MailKind.CANCELLATION, meeting=current,
                               user_ids=_member_ids(current.space))
    return current


__all__ = ["UNCHANGED", "Answer", "cancel_meeting", "schedule_meeting", "update_meeting"]
