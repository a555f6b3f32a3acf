"""The event-verification helper (after Zulip's ``verify_action``): run a service, capture the
events it emits after commit, and check their kinds and payloads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.test import TestCase

from communities.events import EVENT_SCHEMAS
from communities.models import Event


@contextmanager
def capture_events() -> Iterator[list[Event]]:
    """Collect the events published after commit while the block runs (the real publisher
    still runs; this only records what reached it)."""
    published: list[Event] = []
    from realtime import publish as publish_module

    real = publish_module.publish_event

    def recording(event: Event, *, stream_label: str) -> None:
        published.append(event)
        real(event, stream_label=stream_label)

    with mock.patch.object(publish_module, "publish_event", recording), \
            TestCase.captureOnCommitCallbacks(execute=True):
        yield published


def verify_action(action: Callable[[], Any], *, kinds: list[str]) -> tuple[Any, list[Event]]:
    """Run ``action``; assert it published exactly ``kinds`` in order, each payload carrying the
    keys its schema requires; return the action's result and the events."""
    with capture_events() as events:
        result = action()
    assert [e.kind for e in events] == kinds, [e.kind for e in events]
    for event in events:
        assert EVENT_SCHEMAS[event.kind] <= event.payload.keys()
        stored = Event.objects.get(pk=event.pk)
        assert stored.payload == event.payload
    return result, events
