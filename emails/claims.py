"""Claims that make a message go out once per recipient, however many workers run.

A worker first claims what it will send by inserting one row per recipient (a model built on
``Claim``, whose unique constraint lets one insert win), commits, then sends and marks each
row sent the moment its message leaves. A claim is a lease from ``claimed_at``: one still
unsent once ``LEASE`` has passed (the worker died between claim and send, or the mail server
said "later") is taken over by one conditional UPDATE and marked with the new worker's
``claim_token``; the renewal before each message keeps a slow batch from being taken over
midway. A refusal for good, or ``MAX_ATTEMPTS`` takeovers, ends the claim with ``failed_at``
and an error in the log.

Meeting reminders and action reminders share these mechanics; each names its batch by the
fields of ``key`` (a meeting and its start time, an action and its due date) and decides
itself who is owed a message.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models import F, QuerySet
from django.utils import timezone

from emails.retry import MAX_ATTEMPTS

logger = logging.getLogger(__name__)

#: How long a claim is its worker's alone.
LEASE = timedelta(minutes=15)


class Claim(models.Model):
    """The lease columns of a claim row; the concrete model adds the recipient (``user``), the
    fields of its batch and the unique constraint over them."""

    claimed_at = models.DateTimeField(default=timezone.now)
    claim_token = models.CharField(max_length=32, blank=True, default="")
    attempts = models.PositiveSmallIntegerField(default=1)
    # Set once the message was handed to the mail server; never sent again after that.
    sent_at = models.DateTimeField(null=True, blank=True)
    # Refused for good by the mail server, or still refused after the last attempt.
    failed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        abstract = True


C = TypeVar("C", bound=Claim)


class Claims(Generic[C]):
    """One worker's claims, under ``token``, on the batch of ``model`` rows matching ``key``."""

    def __init__(self, model: type[C], *, key: Mapping[str, Any], token: str,
                 now: datetime) -> None:
        self.model = model
        self.key = dict(key)
        self.token = token
        self.now = now

    def take(self, user_ids: Collection[int]) -> list[int]:
        """Claim the batch for ``user_ids``: new claims by insertion, abandoned ones (lease run
        out, never sent, not given up) by a conditional UPDATE. Returns the user ids this
        worker holds. Run it in a transaction holding the batch's parent row locked, so two
        workers take turns and a change to the batch is seen before or waits after."""
        manager = self.model._default_manager
        manager.bulk_create(
            [self.model(**self.key, user_id=user_id, claimed_at=self.now,
                        claim_token=self.token) for user_id in user_ids],
            ignore_conflicts=True)
        manager.filter(
            **self.key, user_id__in=user_ids, sent_at__isnull=True, failed_at__isnull=True,
            claimed_at__lt=self.now - LEASE,
        ).exclude(claim_token=self.token).update(claim_token=self.token, claimed_at=self.now,
                                                 attempts=F("attempts") + 1)
        return list(self.held().filter(sent_at__isnull=True, failed_at__isnull=True)
                    .values_list("user_id", flat=True))

    def held(self) -> QuerySet[C]:
        return self.model._default_manager.filter(**self.key, claim_token=self.token)

    def _unsent(self, user_id: int) -> QuerySet[C]:
        return self.held().filter(user_id=user_id, sent_at__isnull=True)

    # The two hooks run around each message of a batch (emails.outgoing.send_each).
    def still_ours(self, user_id: int) -> bool:
        # Renews the lease; 0 rows means another worker took the claim over meanwhile.
        return bool(self._unsent(user_id).update(claimed_at=max(self.now, timezone.now())))

    def mark_sent(self, user_id: int) -> None:
        self._unsent(user_id).update(sent_at=timezone.now(), error="")

    def record_failures(self, transient: Collection[int], permanent: Collection[int], *,
                        what: str) -> None:
        """Refused for now: left claimed, taken over once the lease runs out, until the last
        attempt. Refused for good: given up at once. Either way the log says who, naming the
        batch by ``what``."""
        now = timezone.now()
        claims = self.held()
        claims.filter(user_id__in=transient, attempts__lt=MAX_ATTEMPTS).update(
            error="refused for now by the mail server; retried after the lease")
        exhausted = claims.filter(user_id__in=transient, attempts__gte=MAX_ATTEMPTS)
        given_up = set(exhausted.values_list("user_id", flat=True)) | set(permanent)
        exhausted.update(failed_at=now, error=f"still refused after {MAX_ATTEMPTS} attempts")
        claims.filter(user_id__in=permanent).update(failed_at=now,
                                                    error="refused for good by the mail server")
        if given_up:
            logger.error("%s given up for %s", what, sorted(given_up))
