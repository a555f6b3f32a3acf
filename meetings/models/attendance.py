"""Who came to a meeting (members only; guests are a count on the meeting)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models.meetings import Meeting


class Presence(models.TextChoices):
    IN_PERSON = "in_person", _("en personne")
    ONLINE = "online", _("en ligne")


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="meeting_attendances")
    presence = models.CharField(_("présence"), max_length=20, choices=Presence.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("présence à une rencontre")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="one_attendance_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} at {self.meeting_id} ({self.presence})"
