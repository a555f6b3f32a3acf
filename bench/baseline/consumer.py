"""The tutorial's chat consumer, with a room fixed to the benchmark's one space."""

from __future__ import annotations

import json
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer

ROOM_GROUP = "chat_space"


class RoomConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        # The poster only sends: keeping it out of the group makes deliveries equal N per
        # message, as for the other servers.
        self.listens = b"post=1" not in self.scope.get("query_string", b"")
        if self.listens:
            assert self.channel_layer is not None
            await self.channel_layer.group_add(ROOM_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.listens and self.channel_layer is not None:
            await self.channel_layer.group_discard(ROOM_GROUP, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        message = json.loads(text_data or "{}")["message"]
        assert self.channel_layer is not None
        await self.channel_layer.group_send(ROOM_GROUP, {"type": "chat.message",
                                                         "message": message})

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps({"message": event["message"]}))
