"""The row a unique key names. ``QuerySet.first()`` orders an unordered query by its primary
key, which a lookup by a unique key makes pointless, and compiling that ORDER BY costs the
ORM about 300 Python calls, a measurable share of a request (the reads every post makes go
further: ``communities.statements`` compiles them once per process). Only for unique keys:
on any other filter, which row comes back would be left to the database."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def unique_row(queryset: QuerySet[M]) -> M | None:
    """The one row of ``queryset`` (filtered on a unique key), or None."""
    for row in queryset[:1]:
        return row
    return None
