"""Run the LMTP listener for replies by email (RFC 2033), for an MTA that delivers by LMTP.

Postfix, for example: ``transport_maps`` sends ``REPLY_DOMAIN`` to ``lmtp:inet:127.0.0.1:8024``
(or ``lmtp:unix:/run/espace/lmtp.sock`` with ``--socket``).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from replies.lmtp import serve


class Command(BaseCommand):
    help = "Écoute en LMTP les réponses par courriel et les publie dans les fils."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8024)
        parser.add_argument("--socket", default=None,
                            help="Chemin d'un socket unix (au lieu de --host/--port).")
        parser.add_argument("--workers", type=int, default=2,
                            help="Livraisons traitées en même temps (2 par défaut).")

    def handle(self, *args: Any, **options: Any) -> None:
        asyncio.run(self._run(options))

    async def _run(self, options: dict[str, Any]) -> None:
        task = asyncio.create_task(serve(host=options["host"], port=options["port"],
                                         socket_path=options["socket"],
                                         workers=options["workers"]))
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await task
