"""Ids that people type or send. The primary keys are 64-bit (BigAutoField), and PostgreSQL's
driver raises on a larger integer instead of matching nothing, so a look-up by a typed id goes
through ``storable_ids``: an id no row can have is simply not found, and the caller refuses it
with the same words as any unknown id."""

from __future__ import annotations

from collections.abc import Iterable

#: The largest value of a PostgreSQL bigint.
LARGEST_ID = 2**63 - 1
_MAX_DIGITS = len(str(LARGEST_ID))
#: An id no row can have: what a typed number too large to be an id stands for.
BEYOND = LARGEST_ID + 1


def storable_ids(ids: Iterable[int]) -> list[int]:
    """The ids a row could have; the others are left out of the query (so: not found)."""
    return [pk for pk in ids if 0 < pk <= LARGEST_ID]


def parse_id(text: str) -> int | None:
    """The id typed in a query string or a form field; None when it is not a positive whole
    number. A number larger than any row's comes back as ``BEYOND`` (so: not found), without
    converting its digits: Python refuses ``int()`` on more than 4,300 of them (a 500)."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0")
    if not digits:
        return None
    return BEYOND if len(digits) > _MAX_DIGITS else min(int(digits), BEYOND)
