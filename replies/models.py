"""What reply by email needs to remember: the addresses handed out, and the mail received."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Thread


class ReplyAddress(models.Model):
    """One ``reply+<token>@<domain>`` address, handed out in one outgoing email and bound to
    the member it was sent to and the thread it answers. Only the token's SHA-256 is kept, so
    a leaked database lets nobody post as a member."""

    token_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="+")
    # The message the email was about (a mention, a reply): mail to this address answers it.
    reply_to = models.ForeignKey("communities.Message", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"reply address #{self.pk}"


class Outcome(models.TextChoices):
    POSTED = "posted"
    #: Not posted, and the member was told by email.
    BOUNCED = "bounced"
    #: Not posted, nobody told (automatic mail, nobody we may write to): a log line only.
    DROPPED = "dropped"


class InboundMail(models.Model):
    """One message received for one of our addresses, claimed before anything is done with
    it: the unique key makes a second delivery of the same Message-ID to the same address
    (an MTA retry, or two deliveries racing) a no-op instead of a second post or bounce.
    Neither the body nor the sender's address is stored (Law 25): only what an operator
    needs to explain an outcome."""

    # SHA-256 of the Message-ID (or of the raw bytes when there is none).
    message_key = models.CharField(max_length=64)
    # The recipient's local part, lower-cased (``reply+<token>``); one message may be sent to
    # several of our addresses, each handled on its own.
    recipient = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    # The stable code of why it was bounced or dropped (``unknown_address``, ``spoofed`` …).
    reason = models.CharField(max_length=40, blank=True)
    reply_address = models.ForeignKey(ReplyAddress, on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="+")
    # The member the mail was handled for (posted as, or told about it); counts their bounces.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                             blank=True, related_name="+")
    message = models.ForeignKey("communities.Message", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")

    class Meta:
        verbose_name = _("courriel reçu")
        verbose_name_plural = _("courriels reçus")
        constraints = [
            models.UniqueConstraint(fields=["message_key", "recipient"],
                                    name="one_inbound_mail_per_message_and_address")
        ]
        indexes = [models.Index(fields=["received_at"]),
                   models.Index(fields=["user", "outcome", "received_at"])]

    def __str__(self) -> str:
        return f"inbound mail #{self.pk} ({self.outcome})"


class PostingAddress(models.Model):
    """A space's posting address, ``<slug>+<token>@<domain>``: a member who writes to it from
    their own address starts a thread. The token is derived from the site's secret and this
    row's ``nonce`` (so members can be shown it again), and looked up by its SHA-256; rotating
    draws a new nonce, and the old address stops working at once."""

    space = models.OneToOneField("communities.Space", on_delete=models.CASCADE,
                                 related_name="posting_address")
    nonce = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"posting address of space {self.space_id}"
