"""Date polls: a facilitator proposes slots, members answer each one (yes / if needed / no),
and the slot picked becomes a meeting."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Space
from meetings.models.meetings import Meeting, MeetingMode


class PollAnswer(models.TextChoices):
    YES = "yes", _("oui")
    IF_NEEDED = "if_needed", _("si nécessaire")
    NO = "no", _("non")


class DatePoll(models.Model):
    """What the meeting will be (title, agenda, place) is decided when the poll opens, so
    picking a slot is one click and people answer knowing what they are answering for."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="date_polls")
    title = models.CharField(_("titre"), max_length=200)
    agenda = models.TextField(_("ordre du jour"), blank=True)
    mode = models.CharField(_("formule"), max_length=20, choices=MeetingMode.choices)
    address = models.TextField(_("adresse"), blank=True)
    video_url = models.URLField(_("lien de visioconférence"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Closed when a slot is picked; from then on answers are refused.
    closed_at = models.DateTimeField(null=True, blank=True)
    chosen_slot = models.ForeignKey("PollSlot", on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    meeting = models.OneToOneField(Meeting, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="date_poll")
    # The one reminder to those who have not answered, claimed by a conditional UPDATE.
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("sondage de dates")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["space", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class PollSlot(models.Model):
    """A proposed start and end, stored in UTC, entered and shown in America/Toronto."""

    poll = models.ForeignKey(DatePoll, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))

    class Meta:
        verbose_name = _("créneau proposé")
        ordering = ["starts_at", "ends_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "starts_at", "ends_at"],
                                    name="one_slot_per_time_per_poll"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="slot_ends_after_it_starts"),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id}: {self.starts_at:%Y-%m-%d %H:%M}"


class PollVote(models.Model):
    """One member's answer for one slot; replaced, not added to, when they change it."""

    slot = models.ForeignKey(PollSlot, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="poll_votes")
    answer = models.CharField(_("réponse"), max_length=10, choices=PollAnswer.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("réponse à un créneau")
        constraints = [
            models.UniqueConstraint(fields=["slot", "user"], name="one_vote_per_slot_and_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → slot {self.slot_id}: {self.answer}"
