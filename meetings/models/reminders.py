"""Per-space reminder setting, and the claim that makes each reminder go out once."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from communities.models import Space
from emails.claims import Claim
from meetings.models.meetings import Meeting

DEFAULT_REMINDER_HOURS = 24


class SpaceMeetingSettings(models.Model):
    """A space without a row gets the defaults."""

    space = models.OneToOneField(Space, on_delete=models.CASCADE, related_name="meeting_settings")
    # 0 turns reminders off for the space.
    reminder_hours = models.PositiveSmallIntegerField(
        _("rappel (heures avant la rencontre)"), default=DEFAULT_REMINDER_HOURS,
        validators=[MaxValueValidator(24 * 14)],
    )

    class Meta:
        verbose_name = _("réglages des rencontres")

    def __str__(self) -> str:
        return f"meetings of {self.space_id}"


class ReminderDelivery(Claim):
    """Inserting this row is the claim: the unique constraint lets exactly one worker send the
    reminder for a (meeting, member, start time). A meeting moved to another time is a new
    start time, so it gets its own reminder, and the old time's claim never matches again.
    A claim is a lease from ``claimed_at``: still unsent when it runs out (the worker died, or
    the mail server said "later"), it is taken over by the next worker, whose ``claim_token``
    then marks it, until it is sent or given up (``failed_at``), as emails.claims does it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    starts_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user", "starts_at"],
                                    name="one_reminder_per_member_and_start"),
        ]

    def __str__(self) -> str:
        return f"reminder {self.meeting_id} → {self.user_id} @ {self.starts_at:%Y-%m-%d %H:%M}"
