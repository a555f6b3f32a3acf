"""Entry point for a cron job or systemd timer: remind assignees the day before an action is
due, and flag to the facilitators the actions that became overdue. Several copies may run at
once; each reminder and each flag still happens once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from decisions.services.overdue import flag_overdue_actions
from decisions.services.reminders import send_due_action_reminders


class Command(BaseCommand):
    help = ("Envoie les rappels des actions attendues demain et signale les actions en retard "
            "(une seule fois chacun, même en parallèle).")

    def handle(self, *args: Any, **options: Any) -> None:
        run = send_due_action_reminders()
        flagged = flag_overdue_actions()
        self.stdout.write(f"action reminders claimed={run.claimed} sent={run.sent} "
                          f"overdue_flagged={flagged}")
