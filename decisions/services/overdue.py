"""Actions past their due date and not done are flagged to the facilitators once: one
conditional UPDATE claims them (so two workers never flag the same one), and each gets an
``action.overdue`` event on its space's stream, which the facilitators' digest section and
live pages read."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from communities.events import emit
from decisions.models import ActionItem
from decisions.selectors import overdue_q
from decisions.serializers import action_data, assignee_ids_of
from meetings.timezones import local


def flag_overdue_actions(*, now: datetime | None = None) -> int:
    """Flag every action that became overdue and was never flagged; returns how many."""
    now = now or timezone.now()
    flagged = 0
    candidates = ActionItem.objects.filter(overdue_flagged_at__isnull=True,
                                           **overdue_q(local(now).date()))
    for action_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            won = ActionItem.objects.filter(pk=action_id, overdue_flagged_at__isnull=True,
                                            **overdue_q(local(now).date())
                                            ).update(overdue_flagged_at=now)
            if not won:
                continue
            action = (ActionItem.objects.select_related("space", "created_by", "meeting",
                                                        "thread").get(pk=action_id))
            emit(kind="action.overdue", actor=None, space=action.space,
                 data={"action": action_data(action), "assignee_ids": assignee_ids_of(action)})
            flagged += 1
    return flagged
