"""HTTP requests handed to an ASGI handler as a server hands them over.

Django's ``AsyncClient`` builds its own handler (with the asynchronous middleware chain), so
it cannot say what the production handler does. ``request`` calls the handler's ``handle``,
without the request thread that ``__call__`` gives: the sync work then runs in the test's
thread, on the test's database connection and inside its transaction. ``exchange`` calls
whatever it is given, ``__call__`` included, on the running loop.
"""

from __future__ import annotations

import json
from typing import Any

from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator
from django.core import signals
from django.db import close_old_connections


class Answer:
    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status_code = status
        self.headers = {k.decode().lower(): v.decode() for k, v in headers}
        self.content = body

    def json(self) -> Any:
        return json.loads(self.content)


async def exchange(app: Any, method: str, path: str, *, body: bytes = b"",
                   headers: dict[str, str] | None = None) -> Answer:
    """One request to an ASGI callable (``handler`` or ``handler.handle``), on this loop,
    through channels' HTTP communicator; waits until the application is done with it (its
    response closed, its request-finished signal sent)."""
    sent = [(b"host", b"127.0.0.1"), (b"content-length", str(len(body)).encode()),
            *[(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]]
    communicator = HttpCommunicator(app, method, path, body=body, headers=sent)
    response = await communicator.get_response(timeout=30)
    await communicator.wait(timeout=30)
    return Answer(response["status"], response["headers"], response["body"])


def request(handler: Any, method: str, path: str, *, body: bytes = b"",
            headers: dict[str, str] | None = None) -> Answer:
    """Through ``handler.handle``, in the test's thread and transaction."""
    # As Django's test handlers do: closing "old" connections at the request's edges would
    # close the test's own, inside its transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        return async_to_sync(exchange)(handler.handle, method, path, body=body, headers=headers)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def post_json(handler: Any, path: str, payload: Any, token: str) -> Answer:
    return request(
        handler,
        "POST",
        path,
        body=json.dumps(payload).encode(),
        headers={"authorization": f"Bearer {token}", "content-type": "application/json"},
    )
