"""Threads and messages: start a thread, post in one. Both are idempotent per client_id."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

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


def _once(*, actor: User, client_id: str, write: Callable[[], Posted]) -> Posted:
    """Run ``write`` in a transaction unless this author already posted with this client_id;
    a concurrent retry that loses the race on the unique constraint gets the winner's result."""
    if (original := _already_posted(actor=actor, client_id=client_id)) is not None:
        return original
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:
        if (original := _already_posted(actor=actor, client_id=client_id)) is not None:
            return original
        raise


def _new_message(*, thread: Thread, actor: User, body: str, client_id: str,
                 now: datetime) -> Message:
    return Message.objects.create(thread=thread, author=actor, body=body,
                                  html=render_markdown(body), created_at=now,
                                  client_id=client_id)


def _remember_seq(message: Message, seq: int) -> None:
    Message.objects.filter(pk=message.pk).update(created_seq=seq)
    message.created_seq = seq


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
    client_key = _clean_client_id(client_id)

    def write() -> Posted:
        now = timezone.now()
        thread = Thread.objects.create(space=space, title=title, author=actor,
                                       created_at=now, last_activity_at=now, message_count=1)
        message = _new_message(thread=thread, actor=actor, body=body, client_id=client_key,
                               now=now)
        event = emit(kind="thread.created", actor=actor, space=space,
                     data={"thread": thread_data(thread), "message": message_data(message)})
        _remember_seq(message, event.seq)
        return Posted(thread=thread, message=message, seq=event.seq, created=True)

    return _once(actor=actor, client_id=client_key, write=write)


def post_message(*, actor: User, thread: Thread, body: str,
                 client_id: str | None = None) -> Posted:
    """Add a message to a thread; announces ``message.created``."""
    space = thread.space
    require_member(user=actor, space=space)
    body = _clean_body(body)
    client_key = _clean_client_id(client_id)

    def write() -> Posted:
        now = timezone.now()
        message = _new_message(thread=thread, actor=actor, body=body, client_id=client_key,
                               now=now)
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
        _remember_seq(message, event.seq)
        return Posted(thread=thread, message=message, seq=event.seq, created=True)

    return _once(actor=actor, client_id=client_key, write=write)
