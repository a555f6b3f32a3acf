"""Ids that people type or send. The primary keys are 64-bit (BigAutoField), and PostgreSQL's
driver raises on a larger integer instead of matching nothing, so a look-up by a typed id goes
through ``storable_ids``: an id no row can have is simply not found, and the caller refuses it
with the same words as any unknown id."""

from __future__ import annotations

from collections.abc import Iterable

#: The largest value of a PostgreSQL bigint.
LARGEST_ID = 2**63 - 1


def storable_ids(ids: Iterable[int]) -> list[int]:
    """The ids a row could have; the others are left out of the query (so: not found)."""
    return [pk for pk in ids if 0 < pk <= LARGEST_ID]
