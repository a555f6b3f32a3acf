from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from communities.services.retention import prune_events


class Command(BaseCommand):
    help = "Supprime les événements plus vieux que la durée de conservation (EVENT_RETENTION_DAYS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=settings.EVENT_RETENTION_DAYS)

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        deleted = prune_events(before=timezone.now() - timedelta(days=days))
        self.stdout.write(f"{deleted} événement(s) supprimé(s).")
