"""``manage.py check_services``: reach the database, the storage and Redis once, and stop with
the name of the setting at fault. Run before a worker or a migration job starts (systemd
``ExecStartPre``, Kubernetes init container); web processes run the same checks themselves."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from collab.startup import check_services


class Command(BaseCommand):
    help = "Vérifie que la base de données, le stockage et Redis répondent."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            check_services()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stdout.write("Services joignables.")
