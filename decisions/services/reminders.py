"""The reminder the day before an action is due, sent once per (action, assignee, due date).

Claimed as meeting reminders are (emails.claims): a worker inserts ActionReminder rows with
the action's row locked, commits, then sends and marks each sent the moment it leaves; a claim
still unsent once ``LEASE`` has passed is taken over by the next worker.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from communities.models import Membership
from decisions import mail
from decisions.models import ActionItem, ActionReminder, ActionStatus
from emails import preferences
from emails.claims import LEASE as LEASE  # re-exported: tests and callers read it here
from emails.claims import Claims
from meetings.timezones import local


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
        return _claims(current.pk, due_on, now=now, token=token).take(candidates)


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
        claims = _claims(action_id, tomorrow, now=now, token=token)
        delivery = mail.send_action_reminders(action_id=action_id, user_ids=user_ids,
                                              on_sent=claims.mark_sent,
                                              still_ours=claims.still_ours)
        claims.record_failures(delivery.transient, delivery.permanent,
                               what=f"reminders for action {action_id}")
        sent += len(delivery.sent)
    return ActionReminderRun(claimed=claimed, sent=sent)


def _claims(action_id: int, due_on: date, *, now: datetime, token: str
            ) -> Claims[ActionReminder]:
    return Claims(ActionReminder, key={"action_id": action_id, "due_on": due_on},
                  token=token, now=now)
