"""JSON API v1 for the conversation: thread listing with unread counts, paging through a
thread, editing, deleting, reacting, renaming, pinning, locking and reading positions."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from communities import selectors
from communities.api import ErrorOut, MessageOut, ThreadOut, _user, bearer
from communities.errors import NotFound, ServiceError
from communities.models import Message
from communities.serializers import message_data, reactions_of, thread_data
from communities.services import moderation, reactions, reading

router = Router(auth=bearer, tags=["conversation"])


class ThreadPage(Schema):
    thread: ThreadOut
    read_up_to: int
    messages: list[MessageOut]
    has_more: bool


class ThreadChange(Schema):
    title: str | None = None
    pinned: bool | None = None
    locked: bool | None = None


class MessageChange(Schema):
    body: str


class ReactionIn(Schema):
    emoji: str


class ReactionState(Schema):
    added: bool
    reactions: list[dict[str, Any]]


class ReadIn(Schema):
    up_to: int


class ReadOut(Schema):
    last_read_message: int


def _message(request: HttpRequest, message_id: int) -> Message:
    message = (Message.objects.select_related("thread__space", "author", "reply_to__author")
               .filter(pk=message_id).first())
    if message is None:
        raise NotFound("not_found", _("Ce message n'existe pas ou ne vous est pas accessible."))
    selectors.visible_thread(user=_user(request), thread_id=message.thread_id)
    return message


@router.get("/threads/{thread_id}", response={200: ThreadPage, 404: ErrorOut},
            summary="Lire un fil, par pages / Read a thread, page by page")
def read_thread(request: HttpRequest, thread_id: int, after: int = 0,
                limit: int = 50) -> dict[str, Any]:
    if after < 0 or not 1 <= limit <= 200:
        raise ServiceError("invalid", _("« after » doit être positif et « limit » entre 1 et "
                                        "200."))
    thread = selectors.visible_thread(user=_user(request), thread_id=thread_id)
    page = selectors.messages_page(thread=thread, after_id=after, limit=limit + 1)
    return {"thread": thread_data(thread),
            "read_up_to": selectors.read_position(thread=thread, user=_user(request)),
            "messages": [message_data(m) for m in page[:limit]],
            "has_more": len(page) > limit}


@router.patch("/threads/{thread_id}", response={200: ThreadOut, 403: ErrorOut, 404: ErrorOut},
              summary="Renommer, épingler, verrouiller / Rename, pin, lock")
def change_thread(request: HttpRequest, thread_id: int, change: ThreadChange) -> dict[str, Any]:
    thread = selectors.visible_thread(user=_user(request), thread_id=thread_id)
    actor = _user(request)
    with transaction.atomic():  # several changes in one request apply together or not at all
        if change.title is not None:
            moderation.rename_thread(actor=actor, thread=thread, title=change.title)
        if change.pinned is not None:
            moderation.pin_thread(actor=actor, thread=thread, pinned=change.pinned)
        if change.locked is not None:
            moderation.lock_thread(actor=actor, thread=thread, locked=change.locked)
    return thread_data(thread)


@router.patch("/messages/{message_id}", response={200: MessageOut, 403: ErrorOut,
                                                   404: ErrorOut},
              summary="Modifier un message / Edit a message")
def edit_message(request: HttpRequest, message_id: int,
                 change: MessageChange) -> dict[str, Any]:
    message = moderation.edit_message(actor=_user(request),
                                      message=_message(request, message_id), body=change.body)
    return message_data(message)


@router.delete("/messages/{message_id}", response={200: MessageOut, 403: ErrorOut,
                                                    404: ErrorOut},
               summary="Supprimer un message / Delete a message")
def delete_message(request: HttpRequest, message_id: int) -> dict[str, Any]:
    message = moderation.delete_message(actor=_user(request),
                                        message=_message(request, message_id))
    return message_data(message)


@router.post("/messages/{message_id}/reactions", response={200: ReactionState, 400: ErrorOut,
                                                            404: ErrorOut, 429: ErrorOut},
             summary="Ajouter ou retirer une réaction / Toggle a reaction")
def react(request: HttpRequest, message_id: int, reaction: ReactionIn) -> dict[str, Any]:
    message = _message(request, message_id)
    added = reactions.toggle_reaction(actor=_user(request), message=message,
                                      emoji=reaction.emoji)
    return {"added": added, "reactions": reactions_of(message)}


@router.post("/threads/{thread_id}/read", response={200: ReadOut, 404: ErrorOut},
             summary="Marquer comme lu / Mark as read")
def mark_read(request: HttpRequest, thread_id: int, position: ReadIn) -> dict[str, int]:
    thread = selectors.visible_thread(user=_user(request), thread_id=thread_id)
    return {"last_read_message": reading.mark_read(actor=_user(request), thread=thread,
                                                   up_to=position.up_to)}
