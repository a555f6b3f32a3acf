"""The JSON shapes of people, threads and messages, shared by event payloads and the API so a
client sees the same object whichever way it arrives. Never includes email addresses: members
see each other's names and organisations, not their contact details."""

from __future__ import annotations

from typing import Any

from communities.models import Message, Space, Thread, User


def person(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "display_name": user.display_name,
        "organisation": user.organisation,
    }


def space_data(space: Space) -> dict[str, Any]:
    return {"slug": space.slug, "name": space.name, "description": space.description}


def thread_data(thread: Thread) -> dict[str, Any]:
    return {
        "id": thread.pk,
        "space": thread.space.slug,
        "title": thread.title,
        "author": person(thread.author),
        "created_at": thread.created_at.isoformat(),
        "last_activity_at": thread.last_activity_at.isoformat(),
        "message_count": thread.message_count,
    }


def message_data(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "thread": message.thread_id,
        "author": person(message.author),
        "created_at": message.created_at.isoformat(),
        "body": message.body,
        "html": message.html,
    }
