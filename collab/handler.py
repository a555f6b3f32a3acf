"""Django's ASGI handler with its middleware chain run in one thread hop per request.

Every view of ours is synchronous, and so are the hooks of Django's own middleware
(sessions, CSRF, locale, messages, security headers...): under the stock ``ASGIHandler`` the
chain is asynchronous and ``MiddlewareMixin`` runs each ``process_request``,
``process_view`` and ``process_response`` in the request's thread through ``sync_to_async``
and comes back: about fifteen round trips between the event loop and that thread for one
request, each a future, a queue hand-off, a wake-up of the loop and two changes of the GIL's
holder. Under load, every change of holder can wait for the other thread's switch interval.

Here the chain is built synchronous, as under WSGI, and the whole of it (middleware and view)
runs in the request's own thread in a single ``sync_to_async`` call, the one Django makes for
a sync view anyway. Reading the body, the request signals and streaming the response stay
Django's. A request still never blocks the loop, and requests still run concurrently, each in
its own thread (``ThreadSensitiveContext``), with the same database connection handling.
"""

from __future__ import annotations

from typing import Any

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest


class OneHopASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> Any:
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


def get_asgi_application() -> OneHopASGIHandler:
    """What ``django.core.asgi.get_asgi_application`` does, with the handler above."""
    django.setup(set_prefix=False)
    return OneHopASGIHandler()
