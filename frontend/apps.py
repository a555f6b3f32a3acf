from django.apps import AppConfig


class FrontendConfig(AppConfig):
    """Templates, static files, the live-update script and the translations."""

    name = "frontend"
