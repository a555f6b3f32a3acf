"""Members answer a meeting: oui, non or peut-être, until it starts."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import ServiceError
from communities.events import emit
from communities.models import User
from meetings.access import require_answerer
from meetings.models import Answer, Meeting, Rsvp
from meetings.services.waiting_list import promote_waiting, rsvp_event_data, seats_taken


def answer_meeting(*, actor: User, meeting: Meeting, answer: str) -> Rsvp:
    """Record or change the actor's answer. A "oui" takes a seat if one is left, else joins
    the waiting list; a seat given up goes to the first person waiting. The same answer
    twice changes nothing and emits nothing."""
    if answer not in Answer.values:
        raise ServiceError("invalid_answer", _("Réponse inconnue : choisissez oui, non ou "
                                               "peut-être."))
    require_answerer(actor=actor, space=meeting.space)
    with transaction.atomic():
        # The meeting's row lock serialises every answer to this meeting, so two people
        # cannot both take the last seat.
        locked = (Meeting.objects.select_for_update(of=("self",)).select_related("space")
                  .get(pk=meeting.pk))
        if locked.cancelled_at is not None:
            raise ServiceError("meeting_cancelled", _("Cette rencontre est annulée : il n'est "
                                                      "plus possible d'y répondre."), status=409)
        if locked.has_started:
            raise ServiceError("meeting_started", _("Cette rencontre est commencée ou passée : "
                                                    "il n'est plus possible de changer votre "
                                                    "réponse."), status=409)
        rsvp = Rsvp.objects.select_related("user").filter(meeting=locked, user=actor).first()
        now = timezone.now()
        had_seat = rsvp is not None and rsvp.has_seat
        if rsvp is not None and rsvp.answer == answer:
            return rsvp
        if rsvp is None:
            rsvp = Rsvp(meeting=locked, user=actor, answered_at=now)
        rsvp.answer = answer
        rsvp.updated_at = now
        if answer == Answer.YES:
            full = locked.capacity is not None and seats_taken(locked) >= locked.capacity
            rsvp.waitlisted_at = now if full else None
        else:
            rsvp.waitlisted_at = None
        rsvp.save()
        emit(kind="rsvp.changed", actor=actor, space=locked.space,
             data=rsvp_event_data(rsvp=rsvp, meeting=locked))
        if had_seat and answer != Answer.YES:
            promote_waiting(meeting=locked, actor=actor)
    return rsvp


def withdraw_departed_member(*, space_id: int, user_id: int) -> int:
    """Someone left the space or was removed: their oui / peut-être to meetings still to
    come become non, and a seat they held goes to the waiting list. Runs inside the
    transaction that ends the membership (meetings.signals). Returns how many answers
    changed."""
    changed = 0
    upcoming = (Rsvp.objects.select_related("user")
                .filter(meeting__space_id=space_id, user_id=user_id,
                        meeting__cancelled_at__isnull=True,
                        meeting__starts_at__gt=timezone.now())
                .exclude(answer=Answer.NO).values_list("meeting_id", flat=True))
    for meeting_id in list(upcoming):
        locked = (Meeting.objects.select_for_update(of=("self",)).select_related("space")
                  .get(pk=meeting_id))
        rsvp = Rsvp.objects.select_related("user").get(meeting=locked, user_id=user_id)
        had_seat = rsvp.has_seat
        rsvp.answer = Answer.NO
        rsvp.waitlisted_at = None
        rsvp.updated_at = timezone.now()
        rsvp.save()
        emit(kind="rsvp.changed", actor=rsvp.user, space=locked.space,
             data=rsvp_event_data(rsvp=rsvp, meeting=locked))
        if had_seat:
            promote_waiting(meeting=locked, actor=None)
        changed += 1
    return changed
