"""Entry point for a cron job or systemd timer: send the meeting reminders that are due.
Several copies may run at once; each reminder still goes out once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from meetings.services.reminders import send_due_reminders


class Command(BaseCommand):
    help = "Envoie les rappels de rencontres dus (une seule fois chacun, même en parallèle)."

    def handle(self, *args: Any, **options: Any) -> None:
        run = send_due_reminders()
        self.stdout.write(f"reminders claimed={run.claimed} sent={run.sent} "
                          f"stale={run.skipped_stale}")
