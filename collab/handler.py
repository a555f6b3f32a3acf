"""Django's ASGI handler with its middleware chain run in one thread hop per request, on
threads that serve one request after another.

Every view of ours is synchronous, and so are the hooks of Django's own middleware
(sessions, CSRF, locale, messages, security headers...): under the stock ``ASGIHandler`` the
chain is asynchronous and ``MiddlewareMixin`` runs each ``process_request``,
``process_view`` and ``process_response`` in the request's thread through ``sync_to_async``
and comes back: eighteen round trips between the event loop and that thread for one API
post, each a future, a queue hand-off, a wake-up of the loop and two changes of the GIL's
holder. Under load, every change of holder can wait for the other thread's switch interval.

Here the chain is built synchronous, as under WSGI, and the whole of it (middleware and view)
runs in the request's thread in a single ``sync_to_async`` call, the one Django makes for a
sync view anyway. Reading the body, the request signals and streaming the response stay
Django's.

The stock handler also starts a new thread for every request (a fresh
``ThreadSensitiveContext``) and joins it afterwards; starting one waits for the new thread to
get the GIL, on the event loop. Here each request still has a thread of its own for all its
sync work (its signals, chain and response), so requests run side by side as before, but
the thread is taken from the ones idle in this process and handed back when the request is
done; its database connection goes back to the pool at the request's end as before.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import django
from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest

#: Idle request threads kept per process; a burst beyond it starts threads that end after.
KEEP_IDLE = 16


class RequestThreads:
    """Single-thread executors for requests. Used from the event loop's thread only."""

    def __init__(self, keep: int = KEEP_IDLE) -> None:
        self.keep = keep
        self.idle: list[ThreadPoolExecutor] = []

    def take(self) -> ThreadPoolExecutor:
        if self.idle:
            return self.idle.pop()
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")

    def give(self, executor: ThreadPoolExecutor) -> None:
        if len(self.idle) < self.keep:
            self.idle.append(executor)
        else:
            # Joining waits for the thread: never on the event loop.
            threading.Thread(target=executor.shutdown, daemon=True).start()


class OneHopASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self.threads = RequestThreads()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        executor = self.threads.take()
        try:
            # One request at a time per thread: a request abandoned by its client may still
            # be finishing there, and the next one simply queues behind it.
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            self.threads.give(executor)

    async def get_response_async(self, request: HttpRequest) -> Any:
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


def get_asgi_application() -> OneHopASGIHandler:
    """What ``django.core.asgi.get_asgi_application`` does, with the handler above."""
    django.setup(set_prefix=False)
    return OneHopASGIHandler()
