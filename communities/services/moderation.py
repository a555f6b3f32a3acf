"""Changing what was said: rename, pin and lock threads; edit and delete messages."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.access import may_manage, require_member
from communities.errors import Forbidden, ServiceError
from communities.events import emit
from communities.mentions import mark_mentions
from communities.models import Event, Message, MessageRevision, Thread, User
from communities.serializers import message_data, person, quote_of, thread_data
from communities.services.discussion import MAX_TITLE_CHARS, clean_body


def _require_moderator(*, actor: User, thread: Thread) -> None:
    membership = require_member(user=actor, space=thread.space)
    if not may_manage(membership, actor):
        raise Forbidden("forbidden", _("Seules les personnes qui animent l'espace peuvent "
                                       "faire cela."))


def rename_thread(*, actor: User, thread: Thread, title: str) -> Thread:
    """The author of a thread or a facilitator gives it a new title."""
    membership = require_member(user=actor, space=thread.space)
    if thread.author_id != actor.pk and not may_manage(membership, actor):
        raise Forbidden("forbidden", _("Seuls l'auteur du fil et l'animation peuvent le "
                                       "renommer."))
    title = (title or "").strip()
    if not title or len(title) > MAX_TITLE_CHARS:
        raise ServiceError("invalid_title", _("Le titre doit compter de 1 à %(max)s "
                                              "caractères.") % {"max": MAX_TITLE_CHARS})
    if title == thread.title:
        return thread
    return _change_thread(actor=actor, thread=thread, kind="thread.updated", title=title)


def pin_thread(*, actor: User, thread: Thread, pinned: bool) -> Thread:
    """Pinned threads are listed first in the space."""
    _require_moderator(actor=actor, thread=thread)
    if pinned == (thread.pinned_at is not None):
        return thread
    return _change_thread(actor=actor, thread=thread, kind="thread.pinned",
                          pinned_at=timezone.now() if pinned else None)


def lock_thread(*, actor: User, thread: Thread, locked: bool) -> Thread:
    """A locked thread stays readable but accepts no new message."""
    _require_moderator(actor=actor, thread=thread)
    if locked == (thread.locked_at is not None):
        return thread
    return _change_thread(actor=actor, thread=thread, kind="thread.locked",
                          locked_at=timezone.now() if locked else None)


def _change_thread(*, actor: User, thread: Thread, kind: str, **fields: object) -> Thread:
    with transaction.atomic():
        for name, value in fields.items():
            setattr(thread, name, value)
        Thread.objects.filter(pk=thread.pk).update(**fields)
        emit(kind=kind, actor=actor, space=thread.space,
             data={"thread": thread_data(thread), "by": person(actor)})
    return thread


def _editable(message_id: int) -> Message:
    # Locked so an edit and a deletion of the same message cannot interleave.
    return (Message.objects.select_for_update(of=("self",))
            .select_related("author", "thread__space", "reply_to__author")
            .get(pk=message_id))


def edit_message(*, actor: User, message: Message, body: str) -> Message:
    """Only the author edits; the previous wording is kept and members can read it."""
    membership = require_member(user=actor, space=message.thread.space)
    body = clean_body(body)
    with transaction.atomic():
        current = _editable(message.pk)
        if current.author_id != actor.pk:
            raise Forbidden("forbidden", _("Vous ne pouvez modifier que vos propres messages."))
        if current.deleted_at is not None:
            raise ServiceError("deleted", _("Ce message a été supprimé."))
        if current.body == body:
            return current
        now = timezone.now()
        MessageRevision.objects.create(message=current, body=current.body, html=current.html,
                                       written_at=current.edited_at or current.created_at,
                                       replaced_at=now)
        marked = mark_mentions(body, space=current.thread.space,
                               everyone_allowed=may_manage(membership, actor))
        current.body = marked.body
        current.html = marked.html
        current.edited_at = now
        current.save(update_fields=["body", "html", "edited_at"])
        emit(kind="message.edited", actor=actor, space=current.thread.space,
             data={"message": message_data(current)})
    return current


def delete_message(*, actor: User, message: Message) -> Message:
    """The author or a facilitator deletes a message; it stays as a tombstone ("message
    supprimé") so replies and reading positions keep their meaning. Its edit history goes,
    and so do its words in the event log (see ``forget_in_event_log``)."""
    membership = require_member(user=actor, space=message.thread.space)
    with transaction.atomic():
        current = _editable(message.pk)
        if current.author_id != actor.pk and not may_manage(membership, actor):
            raise Forbidden("forbidden", _("Vous ne pouvez supprimer que vos propres "
                                           "messages."))
        if current.deleted_at is not None:
            return current
        current.deleted_at = timezone.now()
        current.deleted_by = actor
        current.body = ""
        current.html = ""
        current.save(update_fields=["deleted_at", "deleted_by", "body", "html"])
        current.revisions.all().delete()
        current.reactions.all().delete()
        forget_in_event_log(current)
        emit(kind="message.deleted", actor=actor, space=current.thread.space,
             data={"message": message_data(current), "by": person(actor)})
    return current


#: Space-stream kinds whose payload carries a whole message (``message_data``), hence its words
#: and, for a reply, the start of the message it answers (``reply_to``; a deleted reply's
#: tombstone still quotes it). Personal-stream kinds
#: (``mention.created``, ``read.updated``) and reactions carry only message ids.
_KINDS_CARRYING_WORDS = ("thread.created", "message.created", "message.edited",
                         "message.deleted")


def forget_in_event_log(message: Message) -> int:
    """Rewrite the earlier events that quote ``message`` so the log (events API, websocket
    replay, digests) no longer holds what it said (Law 25): its own events carry its tombstone
    and replies to it quote the tombstone, as a fresh fetch shows them. Two queries whatever
    the number of events; seqs are kept, so clients that replay still reach the same state."""
    tombstone = message_data(message)
    quote = quote_of(message)
    events = list(
        Event.objects.filter(space_id=message.thread.space_id, kind__in=_KINDS_CARRYING_WORDS,
                             seq__gte=message.created_seq or 0)
        .filter(Q(payload__message__id=message.pk) | Q(payload__message__reply_to__id=message.pk))
        .only("id", "payload")
    )
    for event in events:
        carried = event.payload["message"]
        if carried["id"] == message.pk:
            event.payload["message"] = tombstone
        else:
            carried["reply_to"] = quote
    if events:
        Event.objects.bulk_update(events, ["payload"])
    return len(events)


def forget_deleted_messages() -> int:
    """Once after upgrading (``manage.py forget_deleted_messages``): messages deleted before
    deletion rewrote the log still have their words in it. Returns the events rewritten;
    running it again rewrites them again to the same tombstones, harmlessly."""
    rewritten = 0
    for message_id in (Message.objects.filter(deleted_at__isnull=False)
                       .values_list("pk", flat=True).iterator()):
        with transaction.atomic():  # one message at a time: short locks on a live site
            rewritten += forget_in_event_log(_editable(message_id))
    return rewritten
