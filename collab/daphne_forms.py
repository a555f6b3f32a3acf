"""Under daphne, keep Twisted from parsing form bodies the application never asks it for.

Twisted's ``Request.requestReceived`` parses every ``multipart/form-data`` POST into
``request.args`` with the ``email`` package before daphne hands the body to the application:
the whole body is read into memory, concatenated and decoded, about ten times its size (a
20 MiB upload grew the process by 250 MB, a 200 MiB one by 2.6 GB). Daphne only forwards the
raw body, so that parse is pure waste. Twisted lets a request opt out
(``parsePOSTFormSubmission``); daphne does not expose it, hence this small subclass.
"""

from __future__ import annotations

import sys
from typing import Any


def stop_form_parsing() -> None:
    """Make daphne's requests skip Twisted's form parsing; a no-op under any other server."""
    module: Any = sys.modules.get("daphne.http_protocol")
    if module is None or getattr(module.WebRequest, "parses_forms", True) is False:
        return

    class WebRequest(module.WebRequest):  # type: ignore[misc]
        parses_forms = False

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # Read by Twisted when the request is complete, so setting it here is in time.
            self._parsePOSTFormSubmission = False

    # HTTPFactory.buildProtocol looks the class up in the module on every connection.
    module.WebRequest = WebRequest
