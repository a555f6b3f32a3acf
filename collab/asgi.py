"""ASGI entry point: Django for HTTP, the real-time consumer for ``/ws/``."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collab.settings")
django_http = get_asgi_application()  # must run before importing code that touches models

from channels.routing import ProtocolTypeRouter  # noqa: E402

from collab.body_guard import RequestBodyGuard  # noqa: E402
from collab.daphne_forms import stop_form_parsing  # noqa: E402
from collab.routing import websocket_application  # noqa: E402

stop_form_parsing()
application = ProtocolTypeRouter({"http": RequestBodyGuard(django_http),
                                  "websocket": websocket_application})
