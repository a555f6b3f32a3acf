"""The JSON shapes of people, threads and messages, shared by event payloads and the API so a
client sees the same object whichever way it arrives. Never includes email addresses: members
see each other's names and organisations, not their contact details."""

from __future__ import annotations

from typing import Any

from communities import attachments
from communities.markdown import plain_line
from communities.models import ApiToken, Message, Space, Thread, User


def person(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "display_name": user.display_name,
        "organisation": user.organisation,
        # The name to show: told apart from a namesake of a shared space (see User.label).
        "label": user.label,
        "disambiguation": user.namesake_hint,
    }


def api_token_data(token: ApiToken) -> dict[str, Any]:
    """What its owner sees of a token: never the secret, which only its hash stands for."""
    return {
        "id": token.pk,
        "label": token.label,
        "created_at": token.created_at.isoformat(),
        "expires_at": token.expires_at.isoformat(),
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
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
        "pinned": thread.pinned_at is not None,
        "locked": thread.locked_at is not None,
        "is_question": thread.is_question,
        "answer": thread.answer_id,
        "announcement": thread.announced_at is not None,
    }


def committee_data(committee: Space) -> dict[str, Any]:
    """A committee as its own members see it (its stream, the API)."""
    return {
        "id": committee.pk,
        "slug": committee.slug,
        "name": committee.name,
        "description": committee.description,
        "space": committee.parent.slug if committee.parent is not None else None,
        "existence_visible": committee.existence_visible,
        "archived": committee.archived_at is not None,
    }


QUOTE_CHARS = 140


def quote_of(message: Message) -> dict[str, Any]:
    """What a reply shows of the message it answers: who, and the start of what they said."""
    return {
        "id": message.pk,
        "author": message.author.label,
        "excerpt": "" if message.deleted_at else plain_line(message.body, QUOTE_CHARS),
        "deleted": message.deleted_at is not None,
    }


def reactions_of(message: Message) -> list[dict[str, Any]]:
    """Reactions grouped by emoji, in the order they first appeared. Uses the prefetched
    ``reactions`` when present, so a page of messages costs one query for all of them."""
    grouped: dict[str, list[int]] = {}
    for reaction in sorted(message.reactions.all(), key=lambda r: (r.created_at, r.pk)):
        grouped.setdefault(reaction.emoji, []).append(reaction.user_id)
    return [{"emoji": emoji, "users": users} for emoji, users in grouped.items()]


def message_data(message: Message, *, with_reactions: bool = True,
                 with_attachments: bool = True) -> dict[str, Any]:
    """A message as clients see it. A deleted message keeps its place but not its words.
    A message being written with nothing attached is described before it has a row
    (``with_attachments=False``), so no one is asked for its attachments."""
    deleted = message.deleted_at is not None
    return {
        "id": message.pk,
        "thread": message.thread_id,
        "author": person(message.author),
        "created_at": message.created_at.isoformat(),
        "body": "" if deleted else message.body,
        "html": "" if deleted else message.html,
        "reply_to": quote_of(message.reply_to) if message.reply_to_id and message.reply_to
        else None,
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": deleted,
        "reactions": reactions_of(message) if with_reactions and not deleted else [],
        # A deleted message keeps no attachments either: they were part of what it said.
        "attachments": [] if deleted or not with_attachments else attachments.cards(message),
    }
