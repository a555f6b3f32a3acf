"""Encoding of server frames. An event frame is encoded once and the same text goes to every
connection, so the encoding must not depend on who receives it."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

PERSONAL_STREAM = "@me"
#: The websocket subprotocol of the protocol's version 2, in which events may come several to
#: a frame (``batch``). A connection that does not ask for it gets one event per frame.
PROTOCOL_V2 = "espace.v2"
#: A batch stays under the frame size the protocol announces (an event already larger goes
#: alone) and under a count that keeps one dispatch of it short.
BATCH_MAX_BYTES = 64 * 1024
BATCH_MAX_EVENTS = 100


def dumps(frame: dict[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)


def event_frame(*, stream: str, seq: int, kind: str, data: dict[str, Any]) -> str:
    return dumps({"type": "event", "space": stream, "seq": seq, "kind": kind, "data": data})


def batch_frame(stream: str, events: list[str]) -> str:
    """Several event frames of one stream, in seq order, as one frame. The events are the
    very texts sent alone, joined: nothing is encoded again."""
    label = json.dumps(stream, ensure_ascii=False)
    return f'{{"type":"batch","space":{label},"events":[{",".join(events)}]}}'


def error_frame(code: str, message: str, **extra: Any) -> str:
    return dumps({"type": "error", "code": code, "message": message, **extra})


def group_for(stream_key: tuple[str, int]) -> str:
    """Channel-layer group of a stream: ``space.<id>`` or ``user.<id>``."""
    return f"{stream_key[0]}.{stream_key[1]}"
