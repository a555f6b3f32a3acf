"""Spaces (one per community of practice), who belongs to them, and invitations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("membre")
    FACILITATOR = "facilitator", _("animation")
    ADMIN = "admin", _("administration de l'espace")


# Roles that may invite, remove and change roles.
MANAGING_ROLES = frozenset({Role.FACILITATOR, Role.ADMIN})


class Space(models.Model):
    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_private = models.BooleanField(_("privé"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Highest seq handed out in this space's event stream; bumped in the writer's transaction.
    event_head = models.BigIntegerField(default=0, editable=False)
    # Events with seq <= event_floor have been pruned; resuming from before it means resync.
    event_floor = models.BigIntegerField(default=0, editable=False)
    # A committee is a space inside another one: its own members (all of them members of the
    # parent), discussion, documents, meetings and event stream. Top-level lists show spaces
    # whose parent is null and committees under their space.
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="committees", verbose_name=_("espace parent"))
    # Members of the parent who are not in the committee see its name (never its content)
    # only when this is set; otherwise nothing of it reaches them.
    existence_visible = models.BooleanField(_("existence visible dans l'espace"), default=False)
    # Read-only while set: posting, uploading and scheduling are refused.
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("espace")

    def __str__(self) -> str:
        return self.name

    @property
    def is_committee(self) -> bool:
        return self.parent_id is not None


class Membership(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["space", "user"], name="one_membership_per_space")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.space_id} ({self.role})"

    @property
    def can_manage(self) -> bool:
        return self.role in MANAGING_ROLES


class Invitation(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    #: The mail server refused or could not be reached when the email was last sent: the
    #: invitation exists but nobody received its link, so the members page offers to resend.
    email_failed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"invitation {self.email} → {self.space_id}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()
