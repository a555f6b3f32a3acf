"""Compressed pages. Members read on phones over mobile networks: a thread page of fifty
messages is 175 KB of HTML that gzip brings to a tenth, and that download is most of the time
to the first paint. Django's own GZipMiddleware does the work, for its BREACH mitigation (random
bytes in the gzip header, so a reflected guess cannot be measured by the compressed length; the
CSRF token is masked per response besides). nginx compresses the static files (infra/nginx/)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

#: What is worth compressing. Documents (PDF, images, office files) are already compressed or
#: served whole with their length and ranges, which a compressed stream would lose.
TEXT_TYPES = frozenset({
    "text/html", "text/plain", "text/css", "text/csv", "text/calendar", "text/javascript",
    "application/json", "application/javascript", "application/manifest+json",
    "application/problem+json", "image/svg+xml",
})


class TextCompressionMiddleware(GZipMiddleware):
    async def __acall__(self, request: HttpRequest) -> Any:
        # Under an asynchronous chain (Django's stock ASGI handler, the async test client):
        # compression is CPU work without I/O, done on the event loop rather than through
        # MiddlewareMixin's hop to the request's thread. The servers' handler runs the chain
        # synchronously (collab.handler).
        response = await self.get_response(request)  # type: ignore[misc]
        return self.process_response(request, response)

    def process_response(self, request: HttpRequest,
                         response: HttpResponseBase) -> HttpResponseBase:
        content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        # A download (a member's CSV, a report) leaves as stored: its length stays known and a
        # browser can resume it.
        if content_type not in TEXT_TYPES or response.has_header("Content-Disposition"):
            return response
        return super().process_response(request, response)
