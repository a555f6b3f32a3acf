"""Send one batch of digests for one period, exactly once per member.

A member's digest for a period is a ``DigestDelivery`` row, unique on (member, frequency,
period). A worker claims rows by inserting them with its own claim token and a lease; a row
already there belongs to whoever holds it, unless its lease ran out while it was still
``claimed`` (the worker died between claim and send), in which case one conditional UPDATE
hands it to the next worker that asks. Each message is marked ``sent`` right after it leaves,
so a crash mid-batch re-sends nothing that went out; the one gap is a crash between the SMTP
server accepting a message and that UPDATE, and there the retry carries the same Message-ID.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.mail import EmailMessage
from django.db.models import F, Max
from django.db.models.functions import Coalesce
from django.utils import timezone

from communities.models import Membership, User
from emails.digest import builder, periods
from emails.digest.content import Recipient
from emails.models import (
    ClaimState,
    DigestDelivery,
    DigestFrequency,
    EmailPreferences,
    SpaceEmailPreferences,
)
from emails.outgoing import connection

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=15)


@dataclass
class BatchResult:
    sent: list[int] = field(default_factory=list)
    empty: list[int] = field(default_factory=list)
    #: Members someone else holds (or finished) for this period.
    skipped: list[int] = field(default_factory=list)


def _spaces_by_frequency(user_ids: Sequence[int]) -> dict[int, dict[str, list[Membership]]]:
    """Member id -> frequency -> memberships whose digest goes out at that frequency."""
    general = dict(EmailPreferences.objects.filter(user_id__in=user_ids)
                   .values_list("user_id", "digest"))
    overrides = {(p.user_id, p.space_id): p.digest
                 for p in SpaceEmailPreferences.objects.filter(user_id__in=user_ids)
                 .exclude(digest="")}
    result: dict[int, dict[str, list[Membership]]] = {}
    for membership in (Membership.objects.filter(user_id__in=user_ids)
                       .select_related("space__parent")
                       # A committee's block follows its space's.
                       .order_by(Coalesce("space__parent__name", "space__name"),
                                 Coalesce("space__parent_id", "space_id"),
                                 F("space__parent_id").asc(nulls_first=True), "space__name")):
        frequency = overrides.get((membership.user_id, membership.space_id)) or general.get(
            membership.user_id, DigestFrequency.WEEKLY)
        result.setdefault(membership.user_id, {}).setdefault(frequency, []).append(membership)
    return result


def _claim(*, frequency: str, period: str, user_ids: Sequence[int], now: datetime,
           token: str) -> list[DigestDelivery]:
    previous = dict(
        DigestDelivery.objects.filter(user_id__in=user_ids, frequency=frequency,
                                      state__in=[ClaimState.SENT, ClaimState.EMPTY])
        .exclude(period=period).values("user_id").annotate(last=Max("until"))
        .values_list("user_id", "last")
    )
    floor = now - periods.length(frequency)
    DigestDelivery.objects.bulk_create(
        [DigestDelivery(user_id=user_id, frequency=frequency, period=period, claim_token=token,
                        lease_until=now + LEASE,
                        since=max(previous.get(user_id) or floor, floor), until=now)
         for user_id in user_ids],
        ignore_conflicts=True,
    )
    # Rows left "claimed" by a worker whose lease ran out: taken over, one worker wins.
    DigestDelivery.objects.filter(
        user_id__in=user_ids, frequency=frequency, period=period, state=ClaimState.CLAIMED,
        lease_until__lt=now,
    ).exclude(claim_token=token).update(claim_token=token, lease_until=now + LEASE,
                                      attempts=F("attempts") + 1)
    return list(DigestDelivery.objects.filter(
        user_id__in=user_ids, frequency=frequency, period=period, state=ClaimState.CLAIMED,
        claim_token=token,
    ))


def send_batch(*, frequency: str, period: str, user_ids: Sequence[int],
               now: datetime | None = None,
               send: Callable[[EmailMessage, object], None] | None = None) -> BatchResult:
    """Claim, build and send the digests of ``user_ids`` for ``period``. ``send`` is how one
    message leaves (default: the configured backend); the crash tests replace it."""
    now = now or timezone.now()
    result = BatchResult()
    plans = _spaces_by_frequency(user_ids)
    wanted = [uid for uid in user_ids if plans.get(uid, {}).get(frequency)]
    if not wanted:
        return result
    token = secrets.token_hex(16)
    claims = {c.user_id: c for c in _claim(frequency=frequency, period=period,
                                           user_ids=wanted, now=now, token=token)}
    result.skipped = [uid for uid in wanted if uid not in claims]
    users = User.objects.in_bulk(list(claims))
    recipients = []
    for user_id, claim in claims.items():
        memberships = plans[user_id][frequency]
        recipients.append(Recipient(
            user=users[user_id], frequency=frequency,
            spaces=[m.space for m in memberships],
            joined={m.space_id: m.joined_at for m in memberships},
            since=claim.since, until=claim.until, delivery_id=claim.pk))
    digests = builder.build([r for r in recipients if r.user.is_active])
    empty = [d.recipient.user.pk for d in digests if d.is_empty]
    empty += [r.user.pk for r in recipients if not r.user.is_active]
    if empty:
        DigestDelivery.objects.filter(pk__in=[claims[uid].pk for uid in empty],
                                      claim_token=token).update(state=ClaimState.EMPTY)
        result.empty = empty
    with connection() as opened:
        for digest in digests:
            if digest.is_empty:
                continue
            message = builder.render(digest)
            (send or _send)(message, opened)
            # Recorded at once: a crash later in the batch must not send this one again.
            DigestDelivery.objects.filter(pk=digest.recipient.delivery_id,
                                          claim_token=token).update(
                state=ClaimState.SENT, sent_at=timezone.now())
            result.sent.append(digest.recipient.user.pk)
    logger.info("digests %s %s: %d sent, %d empty, %d held elsewhere", frequency, period,
                len(result.sent), len(result.empty), len(result.skipped))
    return result


def _send(message: EmailMessage, opened: object) -> None:
    message.connection = opened  # type: ignore[assignment]
    message.send()


def due_user_ids() -> list[int]:
    """Active people in at least one space: the task works out who wants what."""
    return list(User.objects.filter(is_active=True, memberships__isnull=False)
                .distinct().order_by("pk").values_list("pk", flat=True))
