"""Encoding of server frames. An event frame is encoded once and the same text goes to every
connection, so the encoding must not depend on who receives it."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

PERSONAL_STREAM = "@me"


def dumps(frame: dict[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)


def event_frame(*, stream: str, seq: int, kind: str, data: dict[str, Any]) -> str:
    return dumps({"type": "event", "space": stream, "seq": seq, "kind": kind, "data": data})


def error_frame(code: str, message: str, **extra: Any) -> str:
    return dumps({"type": "error", "code": code, "message": message, **extra})


def group_for(stream_key: tuple[str, int]) -> str:
    """Channel-layer group of a stream: ``space.<id>`` or ``user.<id>``."""
    return f"{stream_key[0]}.{stream_key[1]}"
