"""Mail to a space's posting address (``replies.posting``) starts a thread: the subject is
its title, the text its first message, the attached files documents of the space.

The address is shared by every member, so unlike a reply address it vouches for nobody: the
sender is the active member whose account address is the From address, and only when our own
MTA's trusted Authentication-Results say ``dmarc=pass`` (``mime.sender_verified``). Mail sent
by a program is dropped. Anything refused is answered, like replies, to a member's own
account address only: the sender's text comes back only to a member our MTA verified, and
someone who is not a member (or an unknown address or token) learns nothing about the space.
"""

from __future__ import annotations

import hashlib
import logging
import re

from django.db import transaction

from communities.errors import ServiceError
from communities.models import Membership, Space, User
from communities.services.discussion import start_thread
from replies import mime
from replies.bouncing import Refusal, send_not_posted
from replies.models import InboundMail, Outcome
from replies.outcomes import (
    Handled,
    claim,
    discard_stored,
    drop_automatic,
    may_tell,
    refuse,
    upload_files,
)
from replies.posting import space_for
from replies.quoting import reply_text

log = logging.getLogger("replies.inbound")

# "Re:", "TR :", "Fwd:"... as clients in French and English put them before a subject.
_MARKER = re.compile(r"^(?:re|tr|fw|fwd|réf|ref)\s*:\s*", re.IGNORECASE)


def _client_id(mail: mime.ReceivedMail, space: Space) -> str:
    source = f"{mail.message_key}\nspace:{space.pk}"
    return "email-" + hashlib.sha256(source.encode()).hexdigest()[:56]


def _title(subject: str) -> str:
    """The subject as a title: one line, without the "Tr :" or "Fwd:" a client put first."""
    title = " ".join((subject or "").split())
    while _MARKER.match(title):
        title = _MARKER.sub("", title, count=1)
    return title


def _sender(mail: mime.ReceivedMail) -> User | None:
    """The active account our MTA verified as the sender, or None."""
    if not (mail.from_address and mail.sender_verified):
        return None
    return User.objects.filter(email__iexact=mail.from_address, is_active=True).first()


def _refusal_before_posting(mail: mime.ReceivedMail, space: Space | None,
                            sender: User | None) -> Refusal | None:
    if space is None:
        # An unknown or rotated token: the verified sender is told, without their text.
        return Refusal(reason="unknown_posting_address", tell=sender, new_thread=True)
    if sender is None:
        if mail.authentication_failure or not mail.sender_verified:
            # Whoever the From names did not demonstrably write it: a member whose address it
            # is hears of it (never with the text), anyone else nothing.
            named = User.objects.filter(email__iexact=mail.from_address, is_active=True,
                                        memberships__space=space).first() \
                if mail.from_address else None
            return Refusal(reason="posting_unverified", tell=named, new_thread=True)
        return Refusal(reason="posting_not_member", tell=None, new_thread=True)
    if not Membership.objects.filter(space=space, user=sender).exists():
        # A verified account that is not a member: told it cannot post, not what the space is.
        return Refusal(reason="posting_not_member", tell=sender, new_thread=True)
    if mail.too_large:
        return Refusal(reason="too_large", tell=sender, new_thread=True)
    return None


def _start(mail: mime.ReceivedMail, space: Space, sender: User, row: InboundMail
           ) -> Refusal | str:
    body = reply_text(mail.text)
    stored: list[str] = []
    refused: list[str] = []
    try:
        with transaction.atomic():
            ids = upload_files(mail, user=sender, space=space, stored=stored,
                               refused=refused)
            posted = start_thread(actor=sender, space=space, title=_title(mail.subject),
                                  body=body, client_id=_client_id(mail, space),
                                  attachments=ids)
        if not posted.created:
            discard_stored(stored)
        row.message = posted.message
        if posted.created and refused and may_tell(sender):
            send_not_posted(Refusal(reason="attachments_not_posted", tell=sender,
                                    thread=posted.thread, files=tuple(refused),
                                    new_thread=True), mail)
    except ServiceError as error:
        # The service's own refusals (empty title or text, lengths, rate limit).
        discard_stored(stored)
        return Refusal(reason=error.code, tell=sender, returned_text=body, new_thread=True)
    except BaseException:
        discard_stored(stored)
        raise
    return "posted" if posted.created else "duplicate"


def start_thread_by_mail(mail: mime.ReceivedMail, *, recipient: str, local: str) -> Handled:
    with transaction.atomic():
        row = claim(mail, local)
        if row is None:
            return Handled(recipient=recipient, outcome="duplicate", reason="already_handled")
        if mail.automatic:
            return drop_automatic(row, mail, recipient)
        space = space_for(local)
        sender = _sender(mail)
        row.user = sender
        result: Refusal | str | None = _refusal_before_posting(mail, space, sender)
        if result is None:
            assert space is not None and sender is not None
            result = _start(mail, space, sender, row)
        if isinstance(result, str):
            row.outcome = Outcome.POSTED
            row.reason = "" if result == "posted" else "same_message_id"
            row.save()
            return Handled(recipient=recipient, outcome=result, message=row.message)
        return refuse(mail, row, result, recipient)
