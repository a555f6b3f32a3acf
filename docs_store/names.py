"""Names and titles as people typed them, made safe to show and to offer as a download name."""

from __future__ import annotations

import os
import unicodedata

MAX_NAME_CHARS = 200
FALLBACK_NAME = "document"
# Control, format (which include the bidi overrides that make "gpj.exe" read as "exe.jpg"),
# surrogate, private-use and unassigned characters.
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def clean_text(raw: str) -> str:
    """NFC, no invisible or direction-changing characters, whitespace collapsed."""
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(
        " " if char in "\t\r\n" or unicodedata.category(char) in {"Zl", "Zp"} else char
        for char in text
        if char in "\t\r\n" or unicodedata.category(char) not in _DROPPED
    )
    return " ".join(text.split())


def clean_display_name(raw: str) -> str:
    """A file name: last path component only, no leading dots, bounded length with the
    extension kept."""
    # Browsers on Windows have sent full paths; only the last component is a name.
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = clean_text(name).strip(". ")
    if not name:
        return FALLBACK_NAME
    if len(name) > MAX_NAME_CHARS:
        stem, extension = os.path.splitext(name)
        extension = extension[:20]
        name = stem[: MAX_NAME_CHARS - len(extension)].rstrip(". ") + extension
    return name
