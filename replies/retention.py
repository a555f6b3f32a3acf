"""How long reply by email keeps what it stores (Law 25: no longer than it serves).

An expired address is kept REPLY_EXPIRED_GRACE_DAYS more, so a late reply is told "this
address has expired" (with its text given back) rather than "unknown address"; the log of
received mail is kept REPLY_LOG_DAYS, long enough to recognise an MTA's retries and explain an
outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from replies.models import InboundMail, ReplyAddress


@dataclass(frozen=True)
class Pruned:
    addresses: int
    received: int


def prune_reply_data() -> Pruned:
    now = timezone.now()
    addresses, _ = ReplyAddress.objects.filter(
        expires_at__lt=now - timedelta(days=settings.REPLY_EXPIRED_GRACE_DAYS)).delete()
    received, _ = InboundMail.objects.filter(
        received_at__lt=now - timedelta(days=settings.REPLY_LOG_DAYS)).delete()
    return Pruned(addresses=addresses, received=received)
