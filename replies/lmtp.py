"""The LMTP listener (RFC 2033) our MTA hands reply mail to, on aiosmtpd's LMTP protocol.

Recipients that are not ``reply+…@REPLY_DOMAIN`` are refused at RCPT time. After DATA each
recipient gets its own status line, as LMTP requires: 250 once handled (posted, answered or
deliberately dropped), 451 when the database or SMTP failed so the MTA retries that recipient
later. The work runs in a small thread pool, so a slow database does not stall the protocol
and two deliveries can be handled at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import Envelope, Session
from django.conf import settings
from django.db import connections

from replies.inbound import handle_for, is_ours, read_incoming

log = logging.getLogger(__name__)


def deliver(raw: bytes, recipients: Sequence[str], envelope_sender: str | None) -> list[str]:
    """One LMTP status line per recipient, in order."""
    statuses = []
    try:
        mail = read_incoming(raw, envelope_sender=envelope_sender)
        for recipient in recipients:
            try:
                handled = handle_for(mail, recipient)
            except Exception:
                log.exception("inbound mail for %s not handled; the MTA will retry",
                              recipient[:80])
                statuses.append("451 4.3.0 Temporary failure, try again later")
            else:
                statuses.append(f"250 2.0.0 {handled.outcome}")
    finally:
        # A worker thread keeps no connection between deliveries (the pool takes it back).
        connections.close_all()
    return statuses


class InboundHandler:
    def __init__(self, executor: ThreadPoolExecutor) -> None:
        self.executor = executor

    async def handle_RCPT(self, server: LMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if not is_ours(address):
            return "550 5.1.1 No such reply address here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: LMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        loop = asyncio.get_running_loop()
        statuses = await loop.run_in_executor(self.executor, deliver, raw,
                                              list(envelope.rcpt_tos), envelope.mail_from)
        return "\r\n".join(statuses)


def protocol_factory(executor: ThreadPoolExecutor) -> Any:
    handler = InboundHandler(executor)

    def make() -> LMTP:
        return LMTP(handler, data_size_limit=settings.REPLY_MAX_MESSAGE_BYTES,
                    enable_SMTPUTF8=True, hostname=settings.REPLY_DOMAIN)

    return make


async def serve(*, host: str = "127.0.0.1", port: int = 8024,
                socket_path: str | None = None, workers: int = 2,
                started: asyncio.Event | None = None) -> None:
    """Listen until cancelled, on a TCP address or a unix socket."""
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lmtp")
    loop = asyncio.get_running_loop()
    factory = protocol_factory(executor)
    if socket_path:
        server = await loop.create_unix_server(factory, path=socket_path)
        # The MTA connects as another user: its group (e.g. postfix added to ours) may write.
        os.chmod(socket_path, 0o660)
    else:
        server = await loop.create_server(factory, host=host, port=port)
    log.info("LMTP listener on %s", socket_path or f"{host}:{port}")
    try:
        async with server:
            if started is not None:
                started.set()
            await server.serve_forever()
    finally:
        executor.shutdown(wait=True)
