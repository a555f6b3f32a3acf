from django.apps import AppConfig


class EmailsConfig(AppConfig):
    """Everything the product sends by email: digests, notifications, join-back links,
    unsubscribe, and the one outgoing path every message takes."""

    name = "emails"
    verbose_name = "Courriels"
