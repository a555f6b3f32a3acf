"""The listener ``communities.events`` calls after each commit: it hands the transaction's
events to the registered handlers and delivers what they return in one write."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from communities.models import Event
from communities.statements import Statement
from inbox import registry, services
from inbox.registry import NewItem

_COMMITTED: Statement[tuple[int, str, int]] = Statement(
    lambda ids: Event.objects.filter(pk__in=ids).values_list("pk", "kind", "seq"), ids=[int])


def on_committed(events: Sequence[Event]) -> None:
    relevant = [e for e in events if registry.handlers_for(e.kind)]
    if not relevant:
        return
    # An event written in a savepoint that was rolled back may ride in a batch after a
    # committed one: only those whose row exists count (compared by kind and seq too, as
    # SQLite may reuse a rolled-back id). The batch's first event is committed (see
    # communities.events): a transaction with one event, most of them, asks nothing.
    doubtful = [e for e in relevant if e is not events[0]]
    committed = set(_COMMITTED.rows(ids=[e.pk for e in doubtful])) if doubtful else set()
    by_kind: dict[str, list[Event]] = defaultdict(list)
    for event in relevant:
        if event is events[0] or (event.pk, event.kind, event.seq) in committed:
            by_kind[event.kind].append(event)
    items: list[NewItem] = []
    for kind in registry.kinds():
        if kind in by_kind:
            for handler in registry.handlers_for(kind):
                items.extend(handler(by_kind[kind]))
    services.deliver(items)
