"""Hub-level peers for the realtime tests: links whose frames are kept in memory, and many
members of one space, so a test can drive the hub with dozens of connections cheaply."""

from __future__ import annotations

import json

from communities.models import Membership, Role, Space, User
from realtime.link import Link


class Peer:
    """The far end of one link: every frame it was sent, decoded."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.closed_with: int | None = None

    async def send_message(self, message: dict) -> None:
        self.received.append(json.loads(message["text"]))

    async def close(self, code: int) -> None:
        self.closed_with = code

    def hints(self) -> list[dict]:
        return [f for f in self.received if f["type"] == "presence"]

    def online(self) -> dict[int, dict]:
        """The list a client shows after applying every presence hint received."""
        shown: dict[int, dict] = {}
        for hint in self.hints():
            if "online" in hint:
                shown = {p["id"]: p for p in hint["online"]}
                continue
            for pid in hint["left"]:
                shown.pop(pid, None)
            for person in hint["joined"]:
                shown[person["id"]] = person
        return shown


def members(space: Space, count: int, prefix: str = "Membre") -> list[User]:
    people = User.objects.bulk_create([
        User(email=f"{prefix.lower()}{i}@exemple.qc.ca", display_name=f"{prefix} {i:03d}")
        for i in range(count)])
    Membership.objects.bulk_create([Membership(space=space, user=u, role=Role.MEMBER)
                                    for u in people])
    return people


def link_for(user: User, peer: Peer, **extra: object) -> Link:
    return Link(user_id=user.pk, send_message=peer.send_message, close=peer.close,
                max_pending=2000, display_name=user.display_name, label=user.display_name,
                **extra)  # type: ignore[arg-type]
