"""Text that can be stored. PostgreSQL refuses the NUL character in text columns and UTF-8
cannot encode a lone surrogate (JSON's ``"\\ud800"``): both would fail deep in the database
driver, after the checks, as a 500. Every entry point refuses them up front instead."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from communities.errors import ServiceError

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def is_storable(text: str) -> bool:
    return _UNSTORABLE.search(text) is None


def unstorable_text_error() -> ServiceError:
    return ServiceError("invalid_text", _(
        "Texte invalide : il contient un caractère qui ne peut pas être enregistré "
        "(caractère nul ou demi-caractère Unicode isolé). Retirez-le et réessayez."))


def require_storable(text: str) -> str:
    """``text`` unchanged, or a ServiceError with a French message."""
    if not is_storable(text):
        raise unstorable_text_error()
    return text
