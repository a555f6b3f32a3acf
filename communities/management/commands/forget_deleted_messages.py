from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from communities.services.moderation import forget_deleted_messages


class Command(BaseCommand):
    help = ("Efface du journal d'événements les mots des messages supprimés avant la mise à "
            "jour (à lancer une fois).")

    def handle(self, *args: Any, **options: Any) -> None:
        rewritten = forget_deleted_messages()
        self.stdout.write(f"{rewritten} événement(s) réécrit(s).")
