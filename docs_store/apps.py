from django.apps import AppConfig


class DocsStoreConfig(AppConfig):
    """Shared document storage; filled in by the documents issue."""

    name = "docs_store"
