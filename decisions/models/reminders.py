"""The claim that makes the reminder the day before an action is due go out once."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from decisions.models.records import ActionItem
from emails.claims import Claim


class ActionReminder(Claim):
    """Inserting this row is the claim: the unique constraint lets exactly one worker remind
    an assignee of an action for its due date (a new due date is a new reminder). A claim is a
    lease from ``claimed_at``, taken over by the next worker when still unsent after it runs
    out (emails.claims, shared with meeting reminders)."""

    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    due_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["action", "user", "due_on"],
                                               name="one_action_reminder_per_assignee_and_due")]

    def __str__(self) -> str:
        return f"action reminder {self.action_id} → {self.user_id} for {self.due_on}"
