"""Read one RFC 822 message on stdin and handle it as a reply by email; for an MTA pipe.

Postfix, for example (master.cf), with the recipient passed on the command line:

    espace-replies unix - n n - - pipe flags=Rq user=espace
      argv=/srv/espace/.venv/bin/python /srv/espace/manage.py receive_email
           --sender ${sender} --recipient ${recipient}

Exit status (sysexits): 0 when the message was handled — posted, answered by our own "not
posted" email, or dropped on purpose; 75 (EX_TEMPFAIL) when the database or the outgoing SMTP
server could not be reached, so that the MTA keeps the message and tries again.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from replies.inbound import handle_for, is_ours, read_incoming
from replies.recipients import recipients_in_headers

log = logging.getLogger(__name__)
EX_TEMPFAIL = 75
_CHUNK = 64 * 1024


def read_capped(stream: Any, limit: int) -> bytes:
    """At most ``limit + 1`` bytes; the rest is read and thrown away so the MTA's pipe is
    drained rather than broken."""
    kept = bytearray()
    while chunk := stream.read(_CHUNK):
        if len(kept) <= limit:
            kept += chunk[: limit + 1 - len(kept)]
    return bytes(kept)


class Command(BaseCommand):
    help = "Lit un courriel (RFC 822) sur l'entrée standard et le publie comme réponse."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--recipient", action="append", default=[],
                            help="Destinataire de l'enveloppe (répétable). Par défaut : "
                                 "$ORIGINAL_RECIPIENT, $RECIPIENT, puis les en-têtes.")
        parser.add_argument("--sender", default=None,
                            help="Expéditeur de l'enveloppe ($SENDER par défaut).")

    def handle(self, *args: Any, **options: Any) -> None:
        raw = read_capped(sys.stdin.buffer, settings.REPLY_MAX_MESSAGE_BYTES)
        sender = options["sender"] if options["sender"] is not None else os.environ.get("SENDER")
        mail = read_incoming(raw, envelope_sender=sender)
        recipients = options["recipient"] or [
            value for value in (os.environ.get("ORIGINAL_RECIPIENT"), os.environ.get("RECIPIENT"))
            if value][:1] or recipients_in_headers(raw)
        ours = [recipient for recipient in recipients if is_ours(recipient)]
        if not ours:
            log.info("inbound mail %s: none of our addresses among %d recipient(s)",
                     mail.message_key[:12], len(recipients))
            return
        failed = False
        for recipient in ours:
            try:
                handled = handle_for(mail, recipient)
            except Exception:
                log.exception("inbound mail for %s not handled; the MTA will retry",
                              recipient[:80])
                failed = True
            else:
                self.stdout.write(f"{handled.outcome} {handled.reason}".strip())
        if failed:
            raise CommandError("échec temporaire : le MTA réessaiera", returncode=EX_TEMPFAIL)
