"""Each member's answer to a meeting, and the waiting list when seats run out."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models.meetings import Meeting


class Answer(models.TextChoices):
    YES = "yes", _("oui")
    NO = "no", _("non")
    MAYBE = "maybe", _("peut-être")


class Rsvp(models.Model):
    """One row per (meeting, member). A "oui" given when the meeting is full waits: it gets
    ``waitlisted_at``, and the waiting list is served in that order (first come, first
    served) when a seat frees up."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="meeting_rsvps")
    answer = models.CharField(_("réponse"), max_length=10, choices=Answer.choices)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("réponse à une rencontre")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_rsvp_per_member"),
            models.CheckConstraint(
                condition=models.Q(waitlisted_at__isnull=True) | models.Q(answer="yes"),
                name="only_yes_waits",
            ),
        ]
        indexes = [models.Index(fields=["meeting", "answer", "waitlisted_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.meeting_id}: {self.answer}"

    @property
    def has_seat(self) -> bool:
        return self.answer == Answer.YES and self.waitlisted_at is None
