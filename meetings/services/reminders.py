"""Reminder emails before a meeting, sent once per (meeting, member, start time).

A worker first claims the reminders it will send by inserting ReminderDelivery rows, commits,
then sends and marks each sent the moment it leaves, as digests do (emails/digest/sending.py).
The claims are leases, as emails.claims explains; a claim still unsent once ``LEASE`` has
passed is taken over for the meeting's current start time only, so a reminder is neither lost
nor sent twice nor sent for a time the meeting no longer has.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import ServiceError
from communities.models import Membership, Space, User
from emails import preferences
from emails.claims import LEASE as LEASE  # re-exported: tests and callers read it here
from emails.claims import Claims
from meetings import mail
from meetings.access import require_organiser
from meetings.models import Answer, Meeting, ReminderDelivery, Rsvp, SpaceMeetingSettings
from meetings.models.reminders import DEFAULT_REMINDER_HOURS

MAX_REMINDER_HOURS = 24 * 14


@dataclass(frozen=True)
class ReminderRun:
    claimed: int
    sent: int
    skipped_stale: int


def reminder_hours_of(space: Space) -> int:
    row = SpaceMeetingSettings.objects.filter(space=space).first()
    return row.reminder_hours if row else DEFAULT_REMINDER_HOURS


def set_reminder_hours(*, actor: User, space: Space, hours: int) -> SpaceMeetingSettings:
    """How long before its meetings a space reminds those who said oui or peut-être; 0 turns
    reminders off."""
    require_organiser(actor=actor, space=space)
    if not 0 <= hours <= MAX_REMINDER_HOURS:
        raise ServiceError("invalid_reminder", _("Le rappel se donne entre 0 (aucun rappel) et "
                                                 "%(max)d heures avant la rencontre.")
                           % {"max": MAX_REMINDER_HOURS})
    row, _created = SpaceMeetingSettings.objects.update_or_create(
        space=space, defaults={"reminder_hours": hours})
    return row


def _due_meetings(now: datetime) -> list[tuple[Meeting, timedelta]]:
    """Meetings not cancelled, not started, whose space's reminder time has come. A meeting
    scheduled inside its reminder window gets none: its invitation has just gone out."""
    longest = SpaceMeetingSettings.objects.aggregate(m=Max("reminder_hours"))["m"] or 0
    horizon = now + timedelta(hours=max(longest, DEFAULT_REMINDER_HOURS))
    hours_by_space = dict(SpaceMeetingSettings.objects.values_list("space_id", "reminder_hours"))
    due = []
    for meeting in (Meeting.objects.select_related("space")
                    .filter(cancelled_at__isnull=True, starts_at__gt=now,
                            starts_at__lte=horizon)):
        lead = timedelta(hours=hours_by_space.get(meeting.space_id, DEFAULT_REMINDER_HOURS))
        if lead and meeting.starts_at - lead <= now and meeting.created_at < (
                meeting.starts_at - lead):
            due.append((meeting, lead))
    return due


def _claim(meeting: Meeting, *, now: datetime, token: str) -> tuple[datetime, list[int]]:
    """Claim this meeting's reminders for its current start time with ``token``: new ones by
    insertion, abandoned ones (lease run out, never sent, not given up) by a conditional
    UPDATE. Returns the start time and the user ids this worker holds. Runs with the meeting
    row locked (no key update) so a concurrent move or cancellation either happens before (and
    is seen) or waits until the claims are in, and two workers take turns."""
    with transaction.atomic():
        current = Meeting.objects.select_for_update(no_key=True).get(pk=meeting.pk)
        if current.cancelled_at is not None or current.starts_at <= now:
            return current.starts_at, []
        members = Membership.objects.filter(space_id=current.space_id,
                                            user__is_active=True).values("user_id")
        candidates = list(
            Rsvp.objects.filter(meeting=current, answer__in=[Answer.YES, Answer.MAYBE],
                                waitlisted_at__isnull=True, user_id__in=members)
            .values_list("user_id", flat=True))
        # Unsubscribed from the space's notifications (the reminder's one-click unsubscribe):
        # not claimed, so nothing is recorded as undelivered for them.
        opted_out = preferences.opted_out_of(space_id=current.space_id, user_ids=candidates)
        candidates = [user_id for user_id in candidates if user_id not in opted_out]
        won = _claims(current.pk, current.starts_at, now=now, token=token).take(candidates)
    return current.starts_at, won


def send_due_reminders(*, now: datetime | None = None) -> ReminderRun:
    """One pass: claim and send every reminder that is due, and take over those a crashed
    worker left. Safe to run from several workers at once and as often as wanted (a cron or
    systemd timer every few minutes)."""
    now = now or timezone.now()
    token = secrets.token_hex(16)
    claimed = sent = stale = 0
    for meeting, _lead in _due_meetings(now):
        starts_at, user_ids = _claim(meeting, now=now, token=token)
        if not user_ids:
            continue
        claimed += len(user_ids)
        claims = _claims(meeting.pk, starts_at, now=now, token=token)
        # Moved or cancelled since the claim: the claimed time is stale, nobody is told it.
        fresh = Meeting.objects.filter(pk=meeting.pk, starts_at=starts_at,
                                       cancelled_at__isnull=True).exists()
        if not fresh:
            claims.held().filter(user_id__in=user_ids).update(
                error="stale: moved or cancelled before sending")
            stale += len(user_ids)
            continue

        delivery = mail.send_meeting_mail(kind=mail.MailKind.REMINDER, meeting_id=meeting.pk,
                                          user_ids=user_ids, on_sent=claims.mark_sent,
                                          still_ours=claims.still_ours)
        claims.record_failures(delivery.transient, delivery.permanent,
                               what=f"reminders for meeting {meeting.pk}")
        sent += len(delivery.sent)
    return ReminderRun(claimed=claimed, sent=sent, skipped_stale=stale)


def _claims(meeting_id: int, starts_at: datetime, *, now: datetime, token: str
            ) -> Claims[ReminderDelivery]:
    return Claims(ReminderDelivery, key={"meeting_id": meeting_id, "starts_at": starts_at},
                  token=token, now=now)
