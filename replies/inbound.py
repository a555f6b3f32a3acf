"""Mail received for one of our addresses becomes a message in a thread, or a clear answer.

The one entry point for the MTA pipe (``manage.py receive_email``) and the LMTP listener
(``manage.py lmtp_server``). For each recipient ``reply+<token>@REPLY_DOMAIN``:

1. The (Message-ID, recipient) pair is claimed in ``InboundMail`` inside the transaction that
   does the work, so the same message delivered twice, even at the same moment, is handled
   once: the second delivery waits on the unique index and then finds the first's row.
2. Mail sent by a program (auto-reply, delivery report, list) is dropped: never posted, never
   answered (RFC 3834), so out-of-office notices stay out of threads and responders cannot
   loop.
3. The token names a member and a thread. The mail is posted only if its From address is that
   member's (case-insensitive) and our MTA's trusted Authentication-Results say neither
   dmarc=fail nor spf=fail; the text goes through ``post_message``, the web's own service,
   with a client_id derived from the Message-ID and the thread.
4. Anything else is answered by ``bouncing.send_not_posted`` to the member's own account
   address: the token's member when the sender is not them (forged or forwarded mail), the
   account whose address sent it for an unknown token when our MTA verified that sender, and
   nobody (a log line) otherwise. Only a valid token's own member gets their text back. A
   member gets at most REPLY_BOUNCES_PER_HOUR such answers an hour.

Mail to a space's posting address (``<slug>+<token>@``, ``replies.posting``) starts a thread
instead, with the same claim, the same refusals and stricter proof of the sender
(``replies.starting``); the claim, refusal and file helpers both use are in
``replies.outcomes``.

A database or SMTP failure raises out of here with nothing recorded, so the caller can ask the
MTA to try again later.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from communities.errors import ServiceError
from communities.models import User
from communities.services.discussion import Posted, post_message
from emails.unsubscribe import from_mailto
from replies import mime
from replies.addresses import (
    REPLY_PREFIX,
    UNSUBSCRIBE_PREFIX,
    find_reply_address,
    token_from_local_part,
)
from replies.bouncing import Refusal, send_not_posted
from replies.models import InboundMail, Outcome, ReplyAddress
from replies.outcomes import (
    Handled,
    discard_stored,
    drop_automatic,
    may_tell,
    refuse,
    upload_files,
)
from replies.outcomes import claim as claim_mail
from replies.posting import looks_like_posting
from replies.quoting import reply_text
from replies.starting import start_thread_by_mail

log = logging.getLogger(__name__)


def split_address(address: str) -> tuple[str, str]:
    """(local part, domain), both lower-cased, for ``Name <local@domain>`` or ``local@domain``."""
    address = (address or "").strip()
    if "<" in address and address.endswith(">"):
        address = address[address.rindex("<") + 1:-1]
    local, _at, domain = address.rpartition("@")
    return local.strip().lower(), domain.strip().lower()


def is_ours(address: str) -> bool:
    """Whether an envelope recipient is one this service handles."""
    local, domain = split_address(address)
    return domain == settings.REPLY_DOMAIN and (
        local.startswith((REPLY_PREFIX, UNSUBSCRIBE_PREFIX)) or looks_like_posting(local))


def _client_id(mail: mime.ReceivedMail, thread_id: int) -> str:
    # Bound to the thread too: one message sent to two reply addresses answers both threads.
    source = f"{mail.message_id or mail.message_key}\n{thread_id}"
    return "email-" + hashlib.sha256(source.encode()).hexdigest()[:56]


def _refusal_before_posting(mail: mime.ReceivedMail, address: ReplyAddress | None,
                            ) -> Refusal | None:
    if address is None:
        # Nobody's token vouches for the sender and a From header is easy to forge: only a
        # member our MTA verified is told, and never with the text received, which anyone
        # could have written.
        known = None
        if mail.from_address and mail.sender_verified:
            known = User.objects.filter(email__iexact=mail.from_address,
                                        is_active=True).first()
        return Refusal(reason="unknown_address", tell=known)
    member = address.user
    if not member.is_active:
        return Refusal(reason="inactive_account", tell=None)
    if mail.authentication_failure:
        return Refusal(reason="authentication_failed", tell=member, thread=address.thread)
    if mail.from_address != member.email.lower():
        return Refusal(reason="spoofed", tell=member, thread=address.thread)
    if address.expires_at <= timezone.now():
        # An old address may have leaked since: its text is not given back, lest we relay
        # whoever found it.
        return Refusal(reason="expired_address", tell=member, thread=address.thread)
    if mail.too_large:
        return Refusal(reason="too_large", tell=member, thread=address.thread)
    return None


class _AlreadyPosted(Exception):
    """A retry of a reply already posted: the files uploaded for it are rolled back."""

    def __init__(self, posted: Posted) -> None:
        self.posted = posted


def _post(mail: mime.ReceivedMail, address: ReplyAddress, claim: InboundMail) -> Refusal | str:
    """Post the reply with its files; returns "posted", "duplicate", or why it was refused."""
    body = reply_text(mail.text)
    if not body:
        return Refusal(reason="empty_reply", tell=address.user, thread=address.thread)
    stored: list[str] = []
    refused: list[str] = []
    try:
        try:
            with transaction.atomic():
                ids = upload_files(mail, user=address.user, space=address.thread.space,
                                   stored=stored, refused=refused)
                posted = post_message(actor=address.user, thread=address.thread, body=body,
                                      client_id=_client_id(mail, address.thread_id),
                                      reply_to=address.reply_to_id, attachments=ids)
                if not posted.created and stored:
                    raise _AlreadyPosted(posted)
        except _AlreadyPosted as already:
            discard_stored(stored)
            stored, posted = [], already.posted
        claim.message = posted.message
        ReplyAddress.objects.filter(pk=address.pk).update(last_used_at=timezone.now())
        if posted.created and refused and may_tell(address.user):
            # The member must not believe a file was shared when it was not.
            send_not_posted(Refusal(reason="attachments_not_posted", tell=address.user,
                                    thread=address.thread, files=tuple(refused)), mail)
    except ServiceError as error:
        # The service's own refusals (left the space, locked thread, rate limit, length)
        # carry French messages; the bounce words them in both languages itself.
        discard_stored(stored)
        return Refusal(reason=error.code, tell=address.user, thread=address.thread,
                       returned_text=body)
    except BaseException:
        # Rolled back rows take their files with them (SMTP or database failure).
        discard_stored(stored)
        raise
    return "posted" if posted.created else "duplicate"


def _handle_one(mail: mime.ReceivedMail, recipient: str) -> Handled:
    local, _domain = split_address(recipient)
    token = token_from_local_part(local, prefix=REPLY_PREFIX)
    with transaction.atomic():
        claim = claim_mail(mail, local)
        if claim is None:
            return Handled(recipient=recipient, outcome="duplicate", reason="already_handled")
        if mail.automatic:
            return drop_automatic(claim, mail, recipient)
        address = find_reply_address(token) if token else None
        claim.reply_address = address
        claim.user = address.user if address else None
        result: Refusal | str | None = _refusal_before_posting(mail, address)
        if result is None:
            assert address is not None
            result = _post(mail, address, claim)
        if isinstance(result, str):
            claim.outcome = Outcome.POSTED
            claim.reason = "" if result == "posted" else "same_message_id"
            claim.save()
            return Handled(recipient=recipient, outcome=result, message=claim.message)
        return refuse(mail, claim, result, recipient)


def read_incoming(raw: bytes, *, envelope_sender: str | None = None) -> mime.ReceivedMail:
    """Parse at most REPLY_MAX_MESSAGE_BYTES of ``raw``; never raises."""
    limit = settings.REPLY_MAX_MESSAGE_BYTES
    too_large = len(raw) > limit
    if too_large:
        raw = raw[:limit]
    try:
        return mime.read_mail(raw, envelope_sender=envelope_sender, too_large=too_large)
    except Exception:  # the stdlib parser is lenient, but a bug there must not lose the mail
        log.exception("unparseable inbound mail")
        return mime.ReceivedMail(from_address="", message_id="",
                                 message_key=mime.message_key(message_id="", raw=raw),
                                 subject="", text="", automatic=False,
                                 authentication_failure="", too_large=too_large)


def receive_mail(*, raw: bytes, recipients: Sequence[str],
                 envelope_sender: str | None = None) -> list[Handled]:
    """Handle one received message for each of our recipients (others are ignored)."""
    mail = read_incoming(raw, envelope_sender=envelope_sender)
    return [handle_for(mail, recipient) for recipient in recipients]


def handle_for(mail: mime.ReceivedMail, recipient: str) -> Handled:
    if not is_ours(recipient):
        log.info("inbound mail for %s: not one of our addresses", recipient[:80])
        return Handled(recipient=recipient, outcome=Outcome.DROPPED, reason="not_ours")
    local = split_address(recipient)[0]
    # Told apart by the token's shape: a posting token never looks like a reply or an
    # unsubscribe token, whatever the space's slug ("reply", "unsubscribe"...).
    if looks_like_posting(local):
        return start_thread_by_mail(mail, recipient=recipient, local=local)
    if local.startswith(UNSUBSCRIBE_PREFIX):
        return _unsubscribe(recipient)
    return _handle_one(mail, recipient)


def _unsubscribe(recipient: str) -> Handled:
    """List-Unsubscribe by mail (RFC 8058 §3.2): the address is the secret, so whatever the
    message says and whoever sends it, it unsubscribes; nothing is answered. The tokens and
    the preferences belong to the outgoing-mail app."""
    local, domain = split_address(recipient)
    if from_mailto(recipient=f"{local}@{domain}") is None:
        log.info("unsubscribe mail with an invalid token, dropped")
        return Handled(recipient=recipient, outcome=Outcome.DROPPED,
                       reason="unknown_unsubscribe_address")
    return Handled(recipient=recipient, outcome="unsubscribed")
