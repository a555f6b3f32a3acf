"""ASGI entry point: Django for HTTP, the real-time consumer for ``/ws/``."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collab.settings")
django_http = get_asgi_application()  # must run before importing code that touches models

from django.conf import settings  # noqa: E402

if settings.STARTUP_CHECKS:
    from collab.startup import check_services

    # Raised here, the error stops the server at start with the setting's name.
    check_services()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from collab.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_http, "websocket": websocket_application})
