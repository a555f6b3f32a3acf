"""ASGI entry point: Django for HTTP, the real-time consumer for ``/ws/``."""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collab.settings")

from collab.handler import get_asgi_application

django_http = get_asgi_application()  # must run before importing code that touches models

from django.conf import settings  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from collab.env import KEY_REQUIRED  # noqa: E402

# A server without a key would start and then fail on every sign-in: refuse to start instead.
try:
    settings.SECRET_KEY  # noqa: B018 (Django raises here when it is empty)
except ImproperlyConfigured:
    raise ImproperlyConfigured(KEY_REQUIRED) from None

if settings.STARTUP_CHECKS:
    from collab.startup import check_services

    # Raised here, the error stops the server at start with the setting's name.
    check_services()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from collab import accesslog  # noqa: E402
from collab.body_guard import RequestBodyGuard  # noqa: E402
from collab.daphne_forms import stop_form_parsing  # noqa: E402
from collab.routing import websocket_application  # noqa: E402

accesslog.install()
stop_form_parsing()
application = ProtocolTypeRouter({"http": RequestBodyGuard(django_http),
                                  "websocket": websocket_application})


def _freeze_what_startup_made() -> None:
    """Everything loaded so far (Django, the URL configuration and every view module it
    imports, the libraries) lives as long as the process: frozen, the collector stops walking
    it. A full collection of a server holding 500 websockets went from ~100 ms to ~20 ms, a
    pause every connection and request of the process waits out. Not under pytest, whose
    process outlives what it imports."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the views now rather than at the first request)
    gc.collect()
    gc.freeze()


if not os.environ.get("PYTEST_VERSION"):
    _freeze_what_startup_made()
