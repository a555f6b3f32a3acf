"""What the two kinds of inbound mail share: a reply to ``reply+<token>@`` (``inbound``) and a
new thread sent to a space's posting address (``starting``). The claim that makes a message
handled once, the refusal that tells a member (at most REPLY_BOUNCES_PER_HOUR an hour) or
nobody, and the attached files stored as documents through the documents service."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from communities.errors import ServiceError
from communities.models import Message, Space, User
from docs_store.attachments import MAX_ATTACHMENTS
from docs_store.services import upload_document
from docs_store.storing import discard
from replies import mime
from replies.bouncing import Refusal, send_not_posted
from replies.models import InboundMail, Outcome

log = logging.getLogger("replies.inbound")


@dataclass(frozen=True)
class Handled:
    recipient: str
    #: posted, bounced, dropped, or duplicate (already handled: nothing done).
    outcome: str
    reason: str = ""
    message: Message | None = None


def claim(mail: mime.ReceivedMail, local: str) -> InboundMail | None:
    """Claim (Message-ID, recipient) inside the caller's transaction; None when it was
    handled already (a second delivery waits on the unique index, then finds the first)."""
    row = InboundMail(message_key=mail.message_key, recipient=local[:64],
                      outcome=Outcome.DROPPED)
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        log.info("inbound mail %s to %s already handled", mail.message_key[:12], local[:20])
        return None
    return row


def drop_automatic(row: InboundMail, mail: mime.ReceivedMail, recipient: str) -> Handled:
    row.reason = "automatic"
    row.save(update_fields=["reason"])
    log.info("inbound mail %s: sent by a program, dropped", mail.message_key[:12])
    return Handled(recipient=recipient, outcome=Outcome.DROPPED, reason="automatic")


def upload_files(mail: mime.ReceivedMail, *, user: User, space: Space, stored: list[str],
                 refused: list[str]) -> list[int]:
    """The attached files as documents of the space, through the documents service and its
    checks (who may upload, type by content, size, quota); each refused file is named with
    its reason and leaves nothing behind."""
    ids: list[int] = []
    for file in mail.files:
        if len(ids) >= MAX_ATTACHMENTS:
            refused.append(file.name)
            continue
        try:
            with transaction.atomic(), translation.override("fr-ca"):
                document = upload_document(actor=user, space=space,
                                           file=io.BytesIO(file.data), file_name=file.name)
        except ServiceError as error:
            refused.append(f"{file.name} ({error.message})")
            continue
        assert document.current_version is not None
        stored.append(document.current_version.storage_key)
        ids.append(document.pk)
    return ids


def discard_stored(keys: list[str]) -> None:
    for key in keys:
        discard(key)


def may_tell(member: User) -> bool:
    since = timezone.now() - timedelta(hours=1)
    told = InboundMail.objects.filter(user=member, outcome=Outcome.BOUNCED,
                                      received_at__gte=since).count()
    return told < settings.REPLY_BOUNCES_PER_HOUR


def refuse(mail: mime.ReceivedMail, row: InboundMail, refusal: Refusal,
           recipient: str) -> Handled:
    row.reason = refusal.reason
    if refusal.tell is not None:
        row.user = refusal.tell
    if refusal.tell is None or not may_tell(refusal.tell):
        row.outcome = Outcome.DROPPED
        row.save()
        log.info("inbound mail %s not posted (%s)%s; nobody told", mail.message_key[:12],
                 refusal.reason, "" if refusal.tell is None else ", bounce limit reached")
        return Handled(recipient=recipient, outcome=Outcome.DROPPED, reason=refusal.reason)
    row.outcome = Outcome.BOUNCED
    row.save()
    # Sent before commit: if SMTP fails the claim rolls back and the MTA retries later.
    send_not_posted(refusal, mail)
    log.info("inbound mail %s not posted (%s); member told", mail.message_key[:12],
             refusal.reason)
    return Handled(recipient=recipient, outcome=Outcome.BOUNCED, reason=refusal.reason)
