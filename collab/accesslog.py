"""Server logs without the secrets some URLs carry.

Join-back links, invitations, calendar feeds and unsubscribe links hold their token in the
path, and a websocket may hold a single-use ticket in its query: whoever reads a log line must
not be able to open the door. Every line the servers and Django write about a request goes
through ``mask``: daphne's access log (``collab.devserver``), uvicorn's (a filter on
``uvicorn.access``) and Django's own warnings such as "Not Found: <path>" (a filter on the
console handler)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

MASK = "…"

# The token segment of every route that takes one (emails/urls.py, frontend/urls.py); a
# test walks the URLconf so that a new route with a token cannot be forgotten here.
_TOKEN_IN_PATH = re.compile(
    r"(?P<route>/(?:lien|desabonnement|invitation|agenda|photo)/)"
    r"(?P<token>[^/?#\s\"]+?)(?=\.(?:ics|jpg)(?:[?#\s\"]|$)|[/?#\s\"]|$)")
_TICKET_IN_QUERY = re.compile(r"(?P<name>[?&]ticket=)[^&#\s\"]+")


def mask(text: str) -> str:
    """``text`` with every token of a URL it holds replaced by an ellipsis."""
    text = _TOKEN_IN_PATH.sub(lambda m: m.group("route") + MASK, text)
    return _TICKET_IN_QUERY.sub(lambda m: m.group("name") + MASK, text)


class MaskTokens(logging.Filter):
    """Masks tokens in a record's message and in its string arguments, leaving the
    arguments' shape alone (uvicorn's access formatter unpacks them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(mask(arg) if isinstance(arg, str) else arg
                                for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: mask(value) if isinstance(value, str) else value
                           for key, value in record.args.items()}
        return True


def install() -> None:
    """Attach the filter to the loggers the servers write their access lines to (their own
    handlers, which Django's LOGGING does not reach)."""
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(existing, MaskTokens) for existing in logger.filters):
            logger.addFilter(MaskTokens())


class MaskedActions:
    """Wraps daphne's action logger (its access log) so the paths it writes are masked."""

    def __init__(self, logger: Callable[[str, str, dict[str, Any]], None]) -> None:
        self.logger = logger

    def __call__(self, protocol: str, action: str, details: dict[str, Any]) -> None:
        if isinstance(details.get("path"), str):
            details = {**details, "path": mask(details["path"])}
        self.logger(protocol, action, details)
