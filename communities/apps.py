from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Communautés")

    def ready(self) -> None:
        from communities.search import repair_sqlite_index

        post_migrate.connect(repair_sqlite_index, sender=self)
