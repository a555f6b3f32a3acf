"""Ids beyond 64 bits must never reach the database: PostgreSQL compares them as numeric and
finds nothing, but SQLite (the database without DATABASE_URL) raises OverflowError, a 500."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tests.queries import count_queries

HUGE_ID = 10**25


@contextmanager
def huge_id_kept_from_the_database() -> Iterator[None]:
    with count_queries() as queries:
        yield
    assert not [q["sql"] for q in queries.captured_queries if str(HUGE_ID) in q["sql"]]
