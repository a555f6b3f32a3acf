"""Threads and messages: start a thread, post in one. Both are idempotent per client_id."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import ServiceError
from communities.events import emit
from communities.markdown import render_markdown
from communities.models import Message, Space, Thread, User
from communities.selectors import require_member
from communities.serializers import message_data, thread_data

MAX_BODY_CHARS = 20_000
MAX_TITLE_CHARS = 200
MAX_CLIENT_ID_CHARS = 64


@dataclass(frozen=True)
class Posted:
    thread: Thread
    message: Message
    seq: int
    #: False when a retry with the same client_id returned the original.
    created: bool


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ServiceError("empty_body", _("Le message est vide."))
    if len(body) > MAX_BODY_CHARS:
        raise ServiceError("body_too_long",
                           _("Le message dépasse %(max)s caractères (%(n)s).")
                           % {"max": f"{MAX_BODY_CHARS:,}".replace(",", " "), "n": len(body)})
    return body


def _clean_client_id(client_id: str | None) -> str:
    if not client_id:
        return ""
    if len(client_id) > MAX_CLIENT_ID_CHARS:
        raise ServiceError("invalid_client_id",
                           _("client_id ne doit pas dépasser %(max)s caractères.")
                           % {"max": MAX_CLIENT_ID_CHARS})
    return client_id


def _already_posted(*, actor: User, client_id: str) -> Posted | None:
    if not client_id:
        return None
    original = (
        Message.objects.select_related("thread__space", "thread__author", "author")
        .filter(author=actor, client_id=client_id)
        .first()
    )
    if original is None:
        return None
    return Posted(thread=original.thread, message=original, seq=original.created_seq or 0,
                  created=False)


def start_thread(*, actor: User, space: Space, title: str, body: str,
                 client_id: str | None = None) -> Posted:
    """Open a thread with its first message; announces ``thread.created``."""
    require_member(user=actor, space=space)
    title = (title or "").strip()
    if not title:
        raise ServiceError("empty_title", _("Donnez un titre au fil de discussion."))
    if len(title) > MAX_TITLE_CHARS:
        raise ServiceError("title_too_long", _("Le titre dépasse %(max)s caractères.")
                           % {"max": MAX_TITLE_CHARS})
    body = _clean_body(body)
    client_id = _clean_client_id(client_id)
    if (original := _already_posted(actor=actor, client_id=client_id)) is not None:
        return original
    try:
        with transaction.atomic():
            now = timezone.now()
            thread = Thread.objects.create(space=space, title=title, author=actor,
                                           created_at=now, last_activity_at=now, message_count=1)
            message = Message.objects.create(thread=thread, author=actor, body=body,
                                             html=render_markdown(body), created_at=now,
                                             client_id=client_id)
            event = emit(kind="thread.created", actor=actor, space=space,
                         data={"thread": thread_data(thread), "message": message_data(message)})
            Message.objects.filter(pk=message.pk).update(created_seq=event.seq)
            message.created_seq = event.seq
    except IntegrityError:
        # A concurrent retry with the same client_id won the race; answer with its result.
        if (original := _already_posted(actor=actor, client_id=client_id)) is not None:
            return original
        raise
    return Posted(thread=thread, message=message, seq=event.seq, created=True)


def post_message(*, actor: User, thread: Thread, body: str,
                 client_id: str | None = None) -> Posted:
    """Add a message to a thread; announces ``message.created``."""
    space = thread.space
    require_member(user=actor, space=space)
    body = _clean_body(body)
    client_id = _clean_client_id(client_id)
    if (original := _already_posted(actor=actor, client_id=client_id)) is not None:
        return original
    try:
        with transaction.atomic():
            now = timezone.now()
            message = Message.objects.create(thread=thread, author=actor, body=body,
                                             html=render_markdown(body), created_at=now,
                                             client_id=client_id)
            Thread.objects.filter(pk=thread.pk).update(
                last_activity_at=now, message_count=F("message_count") + 1
            )
            thread.last_activity_at = now
            thread.message_count += 1
            event = emit(
                kind="message.created", actor=actor, space=space,
                data={"message": message_data(message),
                      "thread": {"id": thread.pk, "title": thread.title,
                                 "message_count": thread.message_count,
                                 "last_activity_at": now.isoformat()}},
            )
            Message.objects.filter(pk=message.pk).update(created_seq=event.seq)
            message.created_seq = event.seq
    except IntegrityError:
        if (original := _already_posted(actor=actor, client_id=client_id)) is not None:
            return original
        raise
    return Posted(thread=thread, message=message, seq=event.seq, created=True)
