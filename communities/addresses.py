"""Email addresses as the platform compares and shows them.

An invitation is bound to an address, so the comparison must not depend on how someone typed
it (capitals, stray spaces, composed or decomposed accents), and a page shown to whoever holds
a link must not reveal the whole address (Law 25: private by default)."""

from __future__ import annotations

import unicodedata

MASK = "•••"


def normalise_email(raw: str) -> str:
    """The form addresses are stored and compared in: trimmed, NFC, lower case. Lower-casing
    the local part is stricter than RFC 5321 allows, but no mail host we serve distinguishes
    case, and it is what account creation already does."""
    return unicodedata.normalize("NFC", (raw or "").strip()).lower()


def same_address(first: str, second: str) -> bool:
    return normalise_email(first) == normalise_email(second)


def mask_email(raw: str) -> str:
    """``francine@ville.qc.ca`` → ``f•••@ville.qc.ca``: enough for the right person to
    recognise their address, too little for anyone else to learn it."""
    address = normalise_email(raw)
    local, at, domain = address.partition("@")
    return f"{local[:1]}{MASK}{at}{domain}"
