"""Content-Security-Policy for every HTML page.

Scripts only from our own origin: the pages carry no inline code, so an injected <script> or
on* attribute cannot run even if some markup slipped through sanitising. The live script talks
to the websocket of the same host, which older CSP implementations do not count as 'self';
upload.js sends files straight to the S3 bucket when there is one.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from communities.middleware import SyncAndAsyncMiddleware
from docs_store.direct_uploads import post_origin

HEADER = "Content-Security-Policy"


def policy_for(host: str, *, uploads_to: str = "") -> str:
    """``uploads_to``: the bucket's origin, where upload.js POSTs files directly and where a
    document's preview (image, PDF frame) is redirected to with a presigned URL."""
    bucket = f" {uploads_to}" if uploads_to else ""
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src 'self' data:{bucket}",
        f"frame-src 'self'{bucket}",
        "font-src 'self'",
        f"connect-src 'self' ws://{host} wss://{host}{' ' + uploads_to if uploads_to else ''}",
        "object-src 'none'",
        "base-uri 'none'",
        f"form-action 'self'{''.join(' ' + origin for origin in _sign_on_origins())}",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


@functools.cache
def _sign_on_origins() -> tuple[str, ...]:
    """Single sign-on providers' origins: the sign-in form posts to us and we redirect to the
    provider, a redirect browsers hold to form-action too."""
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    origins = {"/".join(str(app["settings"]["server_url"]).split("/")[:3]) for app in apps}
    return tuple(sorted(origins))


def _bucket_origin() -> str:
    if not settings.S3_BUCKET:
        return ""
    options = settings.STORAGES["default"].get("OPTIONS", {})
    return _origin_of(settings.S3_BUCKET, str(options.get("endpoint_url")),
                      str(options.get("region_name")))


@functools.cache
def _origin_of(bucket: str, endpoint: str, region: str) -> str:
    # Signing a presigned POST is local but not free, and it would run on the event loop for
    # every async HTML response: the origin only changes with the storage settings.
    return post_origin()


class ContentSecurityPolicyMiddleware(SyncAndAsyncMiddleware):
    def __call__(self, request: HttpRequest) -> Any:
        if self.is_async:
            return self.__acall__(request)
        return _with_policy(request, self.get_response(request))

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        return _with_policy(request, await self.get_response(request))


def _with_policy(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if HEADER not in response and response.get("Content-Type", "").startswith("text/html"):
        response[HEADER] = policy_for(request.get_host(), uploads_to=_bucket_origin())
    return response
