"""After a meeting: who came (members, in person or online), how many guests, the minutes."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import ServiceError
from communities.events import emit
from communities.ids import storable_ids
from communities.markdown import render_markdown
from communities.models import Membership, User
from communities.serializers import person
from meetings.access import require_organiser
from meetings.models import Attendance, Meeting, Presence
from meetings.services.validation import AGENDA_MAX, documents_of_space

MAX_GUESTS = 10_000


def attendance_data(meeting: Meeting) -> dict:
    members = [
        {"member": person(a.user), "presence": a.presence}
        for a in meeting.attendances.select_related("user").order_by("user__display_name", "pk")
    ]
    return {
        "members": members,
        "guests": meeting.guests,
        "total": len(members) + meeting.guests,
        "minutes": meeting.minutes,
        "minutes_html": meeting.minutes_html,
        "minutes_document": meeting.minutes_document_id,
        "recorded_at": meeting.attendance_recorded_at.isoformat()
        if meeting.attendance_recorded_at else None,
    }


def record_attendance(*, actor: User, meeting: Meeting, attendees: Mapping[int, str],
                      guests: int = 0, minutes: str = "",
                      minutes_document_id: int | None = None) -> Meeting:
    """Replace the meeting's attendance with ``attendees`` (user id → presence) and the guest
    count, and set its minutes (text, a document of the space, or both). Can be corrected
    later by recording again. Attendees must be members of the space (someone who has left
    since the meeting keeps a row recorded earlier)."""
    require_organiser(actor=actor, space=meeting.space)
    if any(p not in Presence.values for p in attendees.values()):
        raise ServiceError("invalid_presence", _("Présence inconnue : en personne ou en "
                                                 "ligne."))
    if guests < 0 or guests > MAX_GUESTS:
        raise ServiceError("invalid_guests", _("Le nombre de personnes invitées doit être "
                                               "compris entre 0 et %(max)d.") % {"max": MAX_GUESTS})
    minutes = (minutes or "").strip()
    if len(minutes) > AGENDA_MAX:
        raise ServiceError("invalid_minutes", _("Le compte rendu dépasse %(max)d caractères.")
                           % {"max": AGENDA_MAX})
    with transaction.atomic():
        current = (Meeting.objects.select_for_update(of=("self",)).select_related("space")
                   .get(pk=meeting.pk))
        if current.cancelled_at is not None:
            raise ServiceError("meeting_cancelled", _("Cette rencontre a été annulée : il n'y a "
                                                      "pas de présences à noter."), status=409)
        if current.starts_at > timezone.now():
            raise ServiceError("meeting_not_started", _("Les présences se notent une fois la "
                                                        "rencontre commencée."), status=409)
        already = set(current.attendances.values_list("user_id", flat=True))
        members = set(Membership.objects.filter(space=current.space,
                                                user_id__in=storable_ids(attendees))
                      .values_list("user_id", flat=True))
        strangers = set(attendees) - members - already
        if strangers:
            raise ServiceError("not_members", _("Seuls les membres de l'espace sont notés "
                                                "nommément ; comptez les autres parmi les "
                                                "personnes invitées."))
        documents = documents_of_space(
            space=current.space,
            document_ids=[minutes_document_id] if minutes_document_id is not None else [])
        current.attendances.exclude(user_id__in=list(attendees)).delete()
        for user_id, presence in attendees.items():
            Attendance.objects.update_or_create(meeting=current, user_id=user_id,
                                                defaults={"presence": presence})
        current.guests = guests
        current.minutes = minutes
        current.minutes_html = render_markdown(minutes)
        current.minutes_document = documents[0] if documents else None
        current.attendance_recorded_at = timezone.now()
        current.attendance_recorded_by = actor
        current.save()
        emit(kind="attendance.recorded", actor=actor, space=current.space,
             data={"meeting": current.pk, "attendance": attendance_data(current),
                   "by": person(actor)})
    return current
