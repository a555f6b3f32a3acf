"""After-commit publishing of an event to the hubs of every server process.

Publishing is a notification, not the record: the event is already committed. If the channel
layer is down the hubs find the event by polling the log, so a failure here is logged and
swallowed rather than turned into an error for the person who just posted.
"""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from communities.models import Event
from realtime.frames import event_frame, group_for
from realtime.store import revoked_user

logger = logging.getLogger(__name__)


def publish_event(event: Event, *, stream_label: str) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    if event.space_id is not None:
        key: tuple[str, int] = ("space", event.space_id)
    else:
        assert event.owner_id is not None
        key = ("user", event.owner_id)
    frame = event_frame(stream=stream_label, seq=event.seq, kind=event.kind, data=event.payload)
    message = {"type": "hub.event", "stream": list(key), "seq": event.seq, "frame": frame,
               "revokes": revoked_user(event.kind, event.payload)}
    try:
        async_to_sync(layer.group_send)(group_for(key), message)
    except Exception:
        logger.warning("could not publish %s #%s; hubs will catch up from the log",
                       event.kind, event.seq, exc_info=True)
