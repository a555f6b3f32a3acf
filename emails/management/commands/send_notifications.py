"""Collect mentions and replies from the event log and send the notifications that are due
(run every minute by a timer; "every 15 minutes" members are held until their quarter hour).
``--inline`` works in this process instead of enqueuing a task."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from emails import notifications
from emails.tasks import send_notifications


class Command(BaseCommand):
    help = "Envoie les notifications par courriel (mentions et réponses) qui sont dues."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--inline", action="store_true",
                            help="envoyer ici plutôt que par le processus de tâches")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["inline"]:
            added = notifications.collect()
            result = notifications.send_due()
            self.stdout.write(f"{added} nouvelles, {len(result.sent)} envoyées, "
                              f"{len(result.folded)} laissées au résumé")
        else:
            send_notifications.enqueue()
            self.stdout.write("tâche mise en file")
