"""A decision and an action item come from exactly one source, a meeting or a thread: the
register links each back to it, and a check constraint keeps that true whatever writes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Space, Thread

TEXT_MAX = 2000
WHAT_MAX = 500

# Exactly one of the two sources is set.
_ONE_SOURCE = (Q(meeting__isnull=False, thread__isnull=True)
               | Q(meeting__isnull=True, thread__isnull=False))


class Decision(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("décision"), max_length=TEXT_MAX)
    decided_on = models.DateField(_("date de la décision"))
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, null=True,
                                blank=True, related_name="decisions")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="decisions")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=_ONE_SOURCE,
                                              name="decision_has_one_source")]
        indexes = [models.Index(fields=["space", "-decided_on"])]

    def __str__(self) -> str:
        return self.text[:60]


class ActionStatus(models.TextChoices):
    TODO = "todo", _("à faire")
    DOING = "doing", _("en cours")
    DONE = "done", _("fait")


class ActionItem(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="action_items")
    what = models.CharField(_("action"), max_length=WHAT_MAX)
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="action_items",
                                       verbose_name=_("personnes responsables"))
    due_on = models.DateField(_("échéance"))
    status = models.CharField(_("état"), max_length=10, choices=ActionStatus.choices,
                              default=ActionStatus.TODO)
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, null=True,
                                blank=True, related_name="action_items")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="action_items")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Set by the one pass that tells the facilitators it is overdue; never told twice.
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=_ONE_SOURCE,
                                              name="action_item_has_one_source")]
        indexes = [models.Index(fields=["space", "status", "due_on"])]

    def __str__(self) -> str:
        return self.what[:60]

    @property
    def source(self) -> str:
        return "meeting" if self.meeting_id else "thread"
