"""The one key under which names are compared: case- and accent-insensitive, spaces collapsed.
Mentions, namesakes, expertise tags and the directory search all use it, and the models store
it (``User.search_name``, ``ExpertiseTag.key``), so it imports nothing of the project."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Case- and accent-insensitive key: "Émilie" and "emilie" meet."""
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
