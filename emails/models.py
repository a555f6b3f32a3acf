"""What email needs to remember: each member's choices, the join-back links handed out, and
the claims that make every digest and notification go out exactly once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models import Space


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("chaque jour")
    WEEKLY = "weekly", _("chaque semaine")
    OFF = "off", _("jamais")


class NotificationMode(models.TextChoices):
    IMMEDIATE = "immediate", _("tout de suite")
    BATCHED = "batched", _("regroupées toutes les 15 minutes")
    OFF = "off", _("jamais")


class EmailPreferences(models.Model):
    """A member's choices for every space. No row means the defaults (weekly digest,
    notifications right away)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="email_preferences")
    digest = models.CharField(_("résumé"), max_length=10, choices=DigestFrequency.choices,
                              default=DigestFrequency.WEEKLY)
    notifications = models.CharField(_("notifications"), max_length=10,
                                     choices=NotificationMode.choices,
                                     default=NotificationMode.IMMEDIATE)
    # Announcements from facilitators, by email as they are posted. Separate from the
    # notifications so a member may keep one and stop the other (its own one-click link).
    announcements = models.BooleanField(_("annonces"), default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"email preferences of {self.user_id}"


class SpaceEmailPreferences(models.Model):
    """One space's exception to a member's choices: another digest frequency (blank = the
    member's general choice) and whether its notifications are muted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="space_email_preferences")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=10, choices=DigestFrequency.choices, blank=True,
                              default="")
    notifications_muted = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "space"],
                                               name="one_email_preference_per_space")]

    def __str__(self) -> str:
        return f"email preferences of {self.user_id} in {self.space_id}"


class JoinLink(models.Model):
    """A link in an email that signs its owner in and lands on one item. Only the SHA-256 of
    the token is kept; it works once, for seven days, and only through a POST."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    # Where the link lands, a path on this site; ``space`` is the space that path belongs to
    # (None for pages outside any space, such as the preferences), checked on every use.
    target = models.CharField(max_length=500)
    space = models.ForeignKey(Space, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Sent on request from a dead link's page (those are rate-limited per member).
    requested = models.BooleanField(default=False)
    # Done on the owner's behalf when the link is used, e.g. "rsvp:yes:42" for the "Oui"
    # button of a meeting in a digest (see emails/actions.py); "" = only land on the target.
    action = models.CharField(max_length=60, blank=True, default="")

    class Meta:
        # created_at: the fresh-link rate limit; expires_at: the daily pruning.
        indexes = [models.Index(fields=["user", "created_at"]),
                   models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"join link #{self.pk} for {self.user_id}"


class ClaimState(models.TextChoices):
    # Taken by a worker until ``lease_until``; after that another worker may take it over.
    CLAIMED = "claimed"
    SENT = "sent"
    # Nothing new for this member in this period: no email, and the period is done.
    EMPTY = "empty"


class DigestDelivery(models.Model):
    """One member's digest for one period (a day or an ISO week). The unique constraint is
    what makes it go out once whatever the number of workers or re-runs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    frequency = models.CharField(max_length=10, choices=DigestFrequency.choices)
    period = models.CharField(max_length=10)  # "2026-12-01" or "2026-W49"
    state = models.CharField(max_length=10, choices=ClaimState.choices,
                             default=ClaimState.CLAIMED)
    claim_token = models.CharField(max_length=32)
    lease_until = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=1)
    # The window the digest covers: events after ``since`` up to ``until``.
    since = models.DateTimeField()
    until = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "frequency", "period"],
                                               name="one_digest_per_member_and_period")]
        indexes = [models.Index(fields=["user", "frequency", "-until"])]

    def __str__(self) -> str:
        return f"{self.frequency} digest {self.period} for {self.user_id} ({self.state})"


class NotificationReason(models.TextChoices):
    MENTION = "mention", _("mention")
    REPLY = "reply", pgettext_lazy("notification kind", "réponse")


class NotificationState(models.TextChoices):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    # Already read in the web app when its turn came: left to the next digest.
    FOLDED = "folded"
    # Not to be sent: the member left the space, muted it, or turned notifications off.
    DROPPED = "dropped"


class Notification(models.Model):
    """Someone mentioned this member or answered one of their messages. One row per
    (member, message), so a mention inside a reply notifies once, and a rescan of the event
    log adds nothing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="+")
    thread_id = models.BigIntegerField()
    message_id = models.BigIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              related_name="+")
    reason = models.CharField(max_length=10, choices=NotificationReason.choices)
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=NotificationState.choices,
                             default=NotificationState.PENDING)
    claim_token = models.CharField(max_length=32, blank=True, default="")
    lease_until = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "message_id"],
                                               name="one_notification_per_member_and_message")]
        indexes = [models.Index(fields=["state", "created_at"],
                                condition=Q(state__in=["pending", "claimed"]),
                                name="notifications_to_send")]

    def __str__(self) -> str:
        return f"{self.reason} of {self.user_id} for message {self.message_id} ({self.state})"


class NotificationScan(models.Model):
    """How far the notification collector has read the event log (a single row)."""

    scanned_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"scanned until {self.scanned_until}"
