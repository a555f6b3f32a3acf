"""Counting database queries: the one helper every test that pins a cost uses.

A hot path (post a message, open a thread, build a digest batch) is pinned at a number, or
shown to cost the same for a few rows as for many, so an N+1 fails a test instead of a user.
On failure the message lists the SQL, which is what one needs to find the extra query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext


def _listing(captured: CaptureQueriesContext) -> str:
    return "\n".join(f"{n}. {q['sql']}" for n, q in enumerate(captured.captured_queries, 1))


@contextmanager
def count_queries(*, exactly: int | None = None,
                  at_most: int | None = None) -> Iterator[CaptureQueriesContext]:
    """Capture the queries of the block (``len()`` of the result is their number); with
    ``exactly`` or ``at_most``, fail when the block ran another number."""
    with CaptureQueriesContext(connection) as captured:
        yield captured
    if exactly is not None:
        assert len(captured) == exactly, (
            f"{len(captured)} requêtes au lieu de {exactly} :\n{_listing(captured)}")
    if at_most is not None:
        assert len(captured) <= at_most, (
            f"{len(captured)} requêtes, plus que {at_most} :\n{_listing(captured)}")


def queries_of(action: Callable[[], object]) -> int:
    """How many queries ``action()`` runs, for comparing a small case with a large one."""
    with count_queries() as captured:
        action()
    return len(captured)
