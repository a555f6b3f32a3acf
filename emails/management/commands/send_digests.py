"""Enqueue this period's digests (run by a cron job or systemd timer, e.g. daily at 7:00).

Each run enqueues batches for the current day (daily digests) and ISO week (weekly digests);
a member's digest for a period goes out once however many times this runs, so the weekly one
leaves on the first run of each week. ``--inline`` sends in this process instead of through
the task worker (a laptop without a worker). Each run also prunes join-back links and
notifications past their keeping time (emails/retention.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from emails import retention
from emails.digest import periods, sending
from emails.models import DigestFrequency
from emails.tasks import send_digest_batch

BATCH_SIZE = 200


class Command(BaseCommand):
    help = "Met en file les résumés par courriel de la période (jour et semaine)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--frequency", choices=["daily", "weekly", "all"], default="all")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--inline", action="store_true",
                            help="envoyer ici plutôt que par le processus de tâches")

    def handle(self, *args: Any, **options: Any) -> None:
        frequencies = ([DigestFrequency.DAILY, DigestFrequency.WEEKLY]
                       if options["frequency"] == "all" else [options["frequency"]])
        size = max(1, options["batch_size"])
        user_ids = sending.due_user_ids()
        now = timezone.now()
        for frequency in frequencies:
            period = periods.period_key(frequency, now)
            for start in range(0, len(user_ids), size):
                chunk = user_ids[start:start + size]
                if options["inline"]:
                    sending.send_batch(frequency=frequency, period=period, user_ids=chunk)
                else:
                    send_digest_batch.enqueue(frequency=str(frequency), period=period,
                                              user_ids=chunk)
            self.stdout.write(f"{frequency} {period}: {len(user_ids)} personnes, "
                              f"lots de {size}")
        pruned = retention.prune(now=now)
        self.stdout.write(f"élagués : {pruned.links} liens, {pruned.notifications} notifications")
