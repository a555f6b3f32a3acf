"""A meeting of a space: when, where (a place, a video link or both), who may come."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Space


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", _("en personne")
    VIRTUAL = "virtual", _("virtuelle")
    HYBRID = "hybrid", _("hybride")


class Meeting(models.Model):
    """Times are stored in UTC; pages and calendars show them in America/Toronto
    (meetings.timezones). A cancelled meeting keeps its row (and its calendar UID) so mail
    clients can remove it from calendars."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("titre de la rencontre"), max_length=200)
    # Markdown as typed, and the sanitised HTML rendered from it at write time (like messages).
    agenda = models.TextField(_("ordre du jour"), blank=True)
    agenda_html = models.TextField(blank=True, editable=False)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    mode = models.CharField(_("formule"), max_length=20, choices=MeetingMode.choices)
    address = models.TextField(_("adresse"), blank=True)
    video_url = models.URLField(_("lien de visioconférence"), max_length=500, blank=True)
    # None: no limit. Counts the "oui" answers that hold a seat.
    capacity = models.PositiveIntegerField(_("nombre de places"), null=True, blank=True)
    documents = models.ManyToManyField("docs_store.Document", blank=True, related_name="meetings",
                                       verbose_name=_("documents liés"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Calendar identity: the UID never changes; SEQUENCE goes up with every change that mail
    # clients must apply (RFC 5545 3.8.7.4), cancellation included.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    cancellation_note = models.TextField(_("motif de l'annulation"), blank=True)

    # Attendance and minutes, filled in after the meeting by a facilitator.
    guests = models.PositiveIntegerField(_("personnes invitées non membres"), default=0)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    attendance_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                               on_delete=models.SET_NULL, null=True,
                                               blank=True, related_name="+")
    minutes = models.TextField(_("compte rendu"), blank=True)
    minutes_html = models.TextField(blank=True, editable=False)
    minutes_document = models.ForeignKey("docs_store.Document", on_delete=models.SET_NULL,
                                         null=True, blank=True, related_name="+",
                                         verbose_name=_("compte rendu (document)"))

    class Meta:
        verbose_name = _("rencontre")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["space", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="meeting_ends_after_it_starts"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def has_started(self) -> bool:
        return self.starts_at <= timezone.now()

    @property
    def ics_uid(self) -> str:
        return f"{self.uid}@espace-collaboratif"
