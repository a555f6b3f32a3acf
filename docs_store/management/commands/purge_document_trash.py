"""Delete for good the documents trashed more than DOCS_TRASH_DAYS ago, with their stored files,
and the direct uploads abandoned for more than DOCS_DIRECT_UPLOAD_ABANDONED_HOURS, with their
objects. Safe to run from several hosts at once (each row is claimed before it is deleted)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from docs_store.direct_uploads import purge_abandoned_uploads
from docs_store.services import purge_expired_trash


class Command(BaseCommand):
    help = ("Vide les corbeilles de documents des éléments de plus de DOCS_TRASH_DAYS jours et "
            "supprime les dépôts directs abandonnés.")

    def handle(self, *args: Any, **options: Any) -> None:
        purged = purge_expired_trash()
        self.stdout.write(f"{purged} document(s) supprimé(s) définitivement.")
        abandoned = purge_abandoned_uploads()
        self.stdout.write(f"{abandoned} dépôt(s) direct(s) abandonné(s) supprimé(s).")
