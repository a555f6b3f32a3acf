"""Delete for good the documents trashed more than DOCS_TRASH_DAYS ago, with their stored files.
Safe to run from several hosts at once (each document is claimed before it is deleted)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from docs_store.services import purge_expired_trash


class Command(BaseCommand):
    help = "Vide les corbeilles de documents des éléments de plus de DOCS_TRASH_DAYS jours."

    def handle(self, *args: Any, **options: Any) -> None:
        purged = purge_expired_trash()
        self.stdout.write(f"{purged} document(s) supprimé(s) définitivement.")
