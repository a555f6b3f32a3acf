"""Queue the text extraction of current versions that have none yet: documents uploaded before
search covered documents, or whose task was lost (with ``--all``: every current version, after
changing the DOCS_TEXT_* bounds). The worker does the work; queuing twice is harmless."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from docs_store.models import Document, DocumentVersion, TextStatus
from docs_store.tasks import queue_text_extraction


class Command(BaseCommand):
    help = ("Met en file l'extraction du texte des documents qui n'en ont pas encore "
            "(--all : de tous les documents).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true",
                            help="toutes les versions courantes, extraites ou non")

    def handle(self, *args: Any, **options: Any) -> None:
        current = Document.objects.filter(current_version__isnull=False).values(
            "current_version")
        versions = DocumentVersion.objects.filter(pk__in=current)
        if not options["all"]:
            versions = versions.filter(text_status=TextStatus.PENDING)
        queued = 0
        for version in versions.iterator():
            queue_text_extraction(version)
            queued += 1
        self.stdout.write(f"{queued} extraction(s) mise(s) en file.")
