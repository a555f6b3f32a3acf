"""The reminder the day before an action is due, sent once per (action, assignee, due date).

The same claim as meeting reminders (meetings/services/reminders.py): a worker inserts
ActionReminder rows with the action's row locked (the unique constraint lets one insert win
whatever the number of workers), commits, then sends and marks each sent the moment it
leaves. A claim still unsent once ``LEASE`` has passed is taken over by one conditional
UPDATE; a refusal for good, or ``MAX_ATTEMPTS`` takeovers, ends it with ``failed_at``.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from communities.models import Membership
from decisions import mail
from decisions.models import ActionItem, ActionReminder, ActionStatus
from emails import preferences
from emails.retry import MAX_ATTEMPTS
from meetings.timezones import local

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=15)


@dataclass(frozen=True)
class ActionReminderRun:
    claimed: int
    sent: int


def _claim(action_id: int, *, due_on: date, now: datetime, token: str) -> list[int]:
    with transaction.atomic():
        current = (ActionItem.objects.select_for_update(no_key=True)
                   .filter(pk=action_id).first())
        if current is None or current.due_on != due_on or current.status == ActionStatus.DONE:
            return []
        members = Membership.objects.filter(space_id=current.space_id,
                                            user__is_active=True).values("user_id")
        candidates = list(current.assignees.filter(pk__in=members)
                          .values_list("pk", flat=True))
        opted_out = preferences.opted_out_of(space_id=current.space_id, user_ids=candidates)
        candidates = [user_id for user_id in candidates if user_id not in opted_out]
        ActionReminder.objects.bulk_create(
            [ActionReminder(action=current, user_id=user_id, due_on=due_on, claimed_at=now,
                            claim_token=token) for user_id in candidates],
            ignore_conflicts=True)
        ActionReminder.objects.filter(
            action=current, due_on=due_on, user_id__in=candidates, sent_at__isnull=True,
            failed_at__isnull=True, claimed_at__lt=now - LEASE,
        ).exclude(claim_token=token).update(claim_token=token, claimed_at=now,
                                            attempts=F("attempts") + 1)
        return list(ActionReminder.objects.filter(
            action=current, due_on=due_on, claim_token=token, sent_at__isnull=True,
            failed_at__isnull=True).values_list("user_id", flat=True))


def send_due_action_reminders(*, now: datetime | None = None) -> ActionReminderRun:
    """One pass: remind the assignees of every action not done and due tomorrow (in
    America/Toronto). Safe to run from several workers at once and as often as wanted."""
    now = now or timezone.now()
    tomorrow = local(now).date() + timedelta(days=1)
    token = secrets.token_hex(16)
    claimed = sent = 0
    due = ActionItem.objects.filter(due_on=tomorrow).exclude(status=ActionStatus.DONE)
    for action_id in due.values_list("pk", flat=True):
        user_ids = _claim(action_id, due_on=tomorrow, now=now, token=token)
        if not user_ids:
            continue
        claimed += len(user_ids)
        still_ours, mark_sent = _hooks(action_id=action_id, due_on=tomorrow, token=token,
                                       now=now)
        delivery = mail.send_action_reminders(action_id=action_id, user_ids=user_ids,
                                              on_sent=mark_sent, still_ours=still_ours)
        _record_failures(ActionReminder.objects.filter(action_id=action_id, due_on=tomorrow,
                                                       claim_token=token),
                         delivery.transient, delivery.permanent, action_id=action_id)
        sent += len(delivery.sent)
    return ActionReminderRun(claimed=claimed, sent=sent)


def _hooks(*, action_id: int, due_on: date, token: str, now: datetime
           ) -> tuple[Callable[[int], bool], Callable[[int], None]]:
    def mine(user_id: int) -> QuerySet[ActionReminder]:
        return ActionReminder.objects.filter(action_id=action_id, due_on=due_on,
                                             user_id=user_id, claim_token=token,
                                             sent_at__isnull=True)

    def still_ours(user_id: int) -> bool:
        # Renews the lease; 0 rows means another worker took the claim over meanwhile.
        return bool(mine(user_id).update(claimed_at=max(now, timezone.now())))

    def mark_sent(user_id: int) -> None:
        mine(user_id).update(sent_at=timezone.now(), error="")

    return still_ours, mark_sent


def _record_failures(claims: QuerySet[ActionReminder], transient: set[int],
                     permanent: set[int], *, action_id: int) -> None:
    now = timezone.now()
    claims.filter(user_id__in=transient, attempts__lt=MAX_ATTEMPTS).update(
        error="refused for now by the mail server; retried after the lease")
    exhausted = claims.filter(user_id__in=transient, attempts__gte=MAX_ATTEMPTS)
    given_up = set(exhausted.values_list("user_id", flat=True)) | permanent
    exhausted.update(failed_at=now, error=f"still refused after {MAX_ATTEMPTS} attempts")
    claims.filter(user_id__in=permanent).update(failed_at=now,
                                                error="refused for good by the mail server")
    if given_up:
        logger.error("reminders for action %s given up for %s", action_id, sorted(given_up))
