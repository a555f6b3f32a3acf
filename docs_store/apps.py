from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DocsStoreConfig(AppConfig):
    """Shared document storage: folders, documents, versions, search, direct uploads."""

    name = "docs_store"

    def ready(self) -> None:
        from communities import attachments
        from docs_store.attaching import DocumentAttachments
        from docs_store.search import repair_sqlite_index

        post_migrate.connect(repair_sqlite_index, sender=self)
        # Messages carry documents, but posting belongs to communities, below this app.
        attachments.install(DocumentAttachments())
