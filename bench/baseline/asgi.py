"""ASGI entry point of the baseline: ``daphne bench.baseline.asgi:application``."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.baseline.settings")
django_http = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from bench.baseline.consumer import RoomConsumer  # noqa: E402

application = ProtocolTypeRouter({
    "http": django_http,
    "websocket": URLRouter([path("ws/room/", RoomConsumer.as_asgi())]),
})
