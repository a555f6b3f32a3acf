from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from replies.retention import prune_reply_data


class Command(BaseCommand):
    help = ("Supprime les adresses de réponse expirées depuis REPLY_EXPIRED_GRACE_DAYS jours et "
            "le journal des courriels reçus plus vieux que REPLY_LOG_DAYS jours.")

    def handle(self, *args: Any, **options: Any) -> None:
        pruned = prune_reply_data()
        self.stdout.write(f"{pruned.addresses} adresse(s) de réponse et {pruned.received} "
                          "courriel(s) reçu(s) supprimé(s).")
