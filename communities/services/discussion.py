"""Threads and messages: start a thread, post in one (optionally replying to a message).
Both are idempotent per client_id, rate-limited per author, and notify the people mentioned."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import attachments as attaching
from communities.access import may_manage, require_member, require_writable
from communities.attachments import NewFile, Pending
from communities.errors import Conflict, Forbidden, NotFound, ServiceError
from communities.events import (
    emit,
    emit_in_one_statement,
    take_space_seq,
    take_space_seq_after,
)
from communities.lookups import unique_row
from communities.mentions import Marked, Mentions, mark_mentions
from communities.models import Membership, Message, Space, Thread, User
from communities.serializers import message_data, person, thread_data
from communities.statements import Insert, Statement
from communities.text import require_storable

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


def clean_body(body: str) -> str:
    body = require_storable((body or "").strip())
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


def _already_posted(*, actor: User, client_id: str, same_place: Callable[[Message], bool],
                   ) -> Posted | None:
    """The author's earlier post with this client_id, if it is a retry of this very post.
    The same client_id used for another thread or space is refused rather than answered:
    the new text would be lost and the old message could belong to a space the author
    has since left."""
    if not client_id:
        return None
    original = (
        Message.objects.select_related("thread__space", "thread__author", "author",
                                       "reply_to__author")
        .filter(author=actor, client_id=client_id)
        .first()
    )
    if original is None:
        return None
    if not same_place(original):
        raise Conflict("client_id_reused", _("Ce client_id a déjà servi pour un autre message : "
                                             "choisissez-en un nouveau pour chaque message."))
    return Posted(thread=original.thread, message=original, seq=original.created_seq or 0,
                  created=False)


# Written while the thread's and the space's row locks are held: every post behind waits.
_MESSAGE: Insert[Message] = Insert(Message)
# Every post asks one of them (see _before_posting).
_RETRY: Statement[int] = Statement(
    lambda author_id, client_id: Message.objects.filter(author_id=author_id,
                                                        client_id=client_id)
    .order_by().values_list("pk", flat=True)[:1],
    author_id=int, client_id=str)
_RECENT: Statement[int] = Statement(
    lambda author_id, since: Message.objects.filter(author_id=author_id, created_at__gte=since)
    .values("author_id").annotate(recent=Count("pk")).values_list("recent", flat=True),
    author_id=int, since=datetime)
_RECENT_OR_RETRY: Statement[tuple[int, int]] = Statement(
    lambda author_id, client_id, since: Message.objects
    .filter(Q(created_at__gte=since) | Q(client_id=client_id), author_id=author_id)
    .values("author_id")
    .annotate(recent=Count("pk", filter=Q(created_at__gte=since)),
              known=Count("pk", filter=Q(client_id=client_id)))
    .values_list("recent", "known"),
    author_id=int, client_id=str, since=datetime)


def _before_posting(*, actor: User, client_id: str, same_place: Callable[[Message], bool],
                    ) -> Posted | None:
    """The original when this is a retry, else None once the author is under the rate limit.
    One light query answers both on the hot path (a new message): the full lookup with its
    joins runs only when a retry is found."""
    limit = settings.POST_RATE_LIMIT
    if not client_id and not limit:
        return None
    if not limit:
        known = _RETRY.first(author_id=actor.pk, client_id=client_id) is not None
        recent = 0
    else:
        since = timezone.now() - timedelta(minutes=1)
        if client_id:
            recent, known_count = _RECENT_OR_RETRY.first(
                author_id=actor.pk, client_id=client_id, since=since) or (0, 0)
            known = bool(known_count)
        else:
            recent = _RECENT.first(author_id=actor.pk, since=since) or 0
            known = False
    # A retry answers with the original even over the limit: it posts nothing new.
    if known and (original := _already_posted(actor=actor, client_id=client_id,
                                              same_place=same_place)) is not None:
        return original
    if limit and recent >= limit:
        raise ServiceError("rate_limited",
                           _("Vous publiez trop vite : attendez une minute avant de "
                             "publier de nouveau (au plus %(n)s messages par minute).")
                           % {"n": limit}, status=429)
    return None


def _once(*, actor: User, client_id: str, write: Callable[[], Posted],
          same_place: Callable[[Message], bool]) -> Posted:
    """Run ``write`` (which makes its own transaction) unless this author already posted with
    this client_id; a concurrent retry that loses the race on the unique constraint gets the
    winner's result."""
    if (original := _before_posting(actor=actor, client_id=client_id,
                                    same_place=same_place)) is not None:
        return original
    try:
        return write()
    except IntegrityError:
        if (original := _already_posted(actor=actor, client_id=client_id,
                                        same_place=same_place)) is not None:
            return original
        raise


def _marked(*, body: str, space: Space, membership: Membership | None,
            actor: User) -> Marked:
    return mark_mentions(body, space=space, everyone_allowed=may_manage(membership, actor))


def _new_message(*, thread: Thread, actor: User, client_id: str, now: datetime,
                 marked: Marked, seq: int, reply_to: Message | None = None) -> Message:
    message = _MESSAGE.create(
        thread=thread, author=actor, body=marked.body, created_at=now, client_id=client_id,
        html=marked.html, reply_to=reply_to, created_seq=seq,
    )
    message.reply_to = reply_to
    return message


def notify_mentions(*, actor: User, space: Space, thread: Thread, message: Message,
                    mentions: Mentions) -> None:
    """One ``mention.created`` on the personal stream of each person named (or of every
    member for @space), never to the author."""
    recipients = set(mentions.people)
    if mentions.everyone:
        recipients |= set(Membership.objects.filter(space=space).values_list("user_id",
                                                                            flat=True))
    recipients.discard(actor.pk)
    if not recipients:
        # Most posts name no one: no query to build (an empty IN still costs the ORM
        # some 700 Python calls of compiling before it finds there is nothing to ask).
        return
    for owner in User.objects.filter(pk__in=recipients, is_active=True):
        emit(kind="mention.created", actor=actor, owner=owner,
             data={"space": space.slug, "thread": {"id": thread.pk, "title": thread.title},
                   "message": message.pk, "by": person(actor),
                   "everyone": owner.pk not in mentions.people})


# Counts one more message in an unlocked thread, taking the thread's row lock; it changes
# nothing in a locked one. Held to commit, that lock orders a concurrent lock_thread before
# the post (which is then refused) or after it, and gives each concurrent post the count its
# own post made. Every writer of a thread takes the thread's lock first, then the space's.
_BUMP_THREAD = (f"UPDATE {Thread._meta.db_table} "  # noqa: S608
                "SET last_activity_at = %s, message_count = message_count + 1 "
                "WHERE id = %s AND locked_at IS NULL RETURNING message_count")


def _locked() -> Forbidden:
    return Forbidden("thread_locked", _("Ce fil est verrouillé : il n'accepte plus de "
                                        "nouveaux messages."))


def _bump_thread_and_take_seq(thread: Thread, space: Space, now: datetime,
                              ) -> tuple[int, int] | None:
    """The thread's new count and the space's next seq, or None when the thread is locked."""
    taken = take_space_seq_after(space, sql=_BUMP_THREAD, params=[now, thread.pk])
    return None if taken is None else (int(taken[0]), taken[1])


def _post_in_one_statement(*, actor: User, thread: Thread, client_key: str, marked: Marked,
                           reply_to: Message | None) -> Posted:
    now = timezone.now()
    message = Message(thread=thread, author=actor, body=marked.body, created_at=now,
                      client_id=client_key, html=marked.html, reply_to=reply_to)
    # The message's id and the thread's count are known once the statement runs, which
    # writes them into the event it appends (and into this payload after).
    data = {"message": message_data(message, with_reactions=False, with_attachments=False),
            "thread": {"id": thread.pk, "title": thread.title, "message_count": None,
                       "last_activity_at": now.isoformat()}}
    done = emit_in_one_statement(
        kind="message.created", actor=actor, space=thread.space, data=data,
        lead_sql=_BUMP_THREAD, lead_params=[now, thread.pk], row=message,
        seq_field="created_seq",
        fills={("message", "id"): "row", ("thread", "message_count"): "lead"})
    if done is None:
        raise _locked()
    count, event = done
    thread.last_activity_at, thread.message_count = now, int(count)
    return Posted(thread=thread, message=message, seq=event.seq, created=True)


def _committed(pending: Pending, write: Callable[[], Posted]) -> Posted:
    """Run the post; if it does not commit (refused, or a retry that returned the original),
    whatever its attachments stored outside the database is taken away."""
    try:
        posted = write()
    except BaseException:
        pending.abandon()
        raise
    if not posted.created:
        pending.abandon()
    return posted


def start_thread(*, actor: User, space: Space, title: str, body: str,
                 client_id: str | None = None, attachments: Sequence[object] = (),
                 files: Sequence[NewFile] = (), is_question: bool = False) -> Posted:
    """Open a thread with its first message, carrying documents of the space (``attachments``,
    their ids) and files uploaded while composing (``files``, stored as documents in the same
    write); announces ``thread.created``."""
    membership = require_member(user=actor, space=space)
    require_writable(space)
    title = require_storable((title or "").strip())
    if not title:
        raise ServiceError("empty_title", _("Donnez un titre au fil de discussion."))
    if len(title) > MAX_TITLE_CHARS:
        raise ServiceError("title_too_long", _("Le titre dépasse %(max)s caractères.")
                           % {"max": MAX_TITLE_CHARS})
    body = clean_body(body)
    client_key = _clean_client_id(client_id)
    pending = attaching.begin(actor=actor, space=space, ids=attachments, files=files)

    def write() -> Posted:
        now = timezone.now()
        pending.gather()
        marked = _marked(body=body, space=space, membership=membership, actor=actor)
        thread = Thread.objects.create(space=space, title=title, author=actor,
                                       created_at=now, last_activity_at=now, message_count=1,
                                       is_question=bool(is_question))
        # Taken before the message is written so its row carries the seq that announced it.
        seq = take_space_seq(space)
        message = _new_message(thread=thread, actor=actor, client_id=client_key,
                               now=now, marked=marked, seq=seq)
        pending.attach(message)
        event = emit(kind="thread.created", actor=actor, space=space, seq=seq,
                     data={"thread": thread_data(thread),
                           "message": message_data(message, with_reactions=False)})
        notify_mentions(actor=actor, space=space, thread=thread, message=message,
                        mentions=marked.mentions)
        return Posted(thread=thread, message=message, seq=event.seq, created=True)

    return _committed(pending, lambda: _once(
        actor=actor, client_id=client_key, write=transaction.atomic()(write),
        same_place=lambda original: original.thread.space_id == space.pk
        and original.pk == original.thread.messages.order_by("pk")
        .values_list("pk", flat=True).first()))


def post_message(*, actor: User, thread: Thread, body: str, client_id: str | None = None,
                 reply_to: int | None = None, attachments: Sequence[object] = (),
                 files: Sequence[NewFile] = ()) -> Posted:
    """Add a message to a thread, optionally as a reply to one of its messages, with
    documents of the space attached and files uploaded while composing (see
    ``start_thread``); announces ``message.created``. A locked thread accepts nothing new; an
    attachment from elsewhere or in the trash, or a refused file, refuses the whole post and
    leaves nothing stored."""
    space = thread.space
    membership = require_member(user=actor, space=space)
    require_writable(space)
    body = clean_body(body)
    client_key = _clean_client_id(client_id)
    pending = attaching.begin(actor=actor, space=space, ids=attachments, files=files)
    answered = None
    if reply_to is not None:
        answered = unique_row(Message.objects.select_related("author")
                              .filter(pk=reply_to, thread=thread))
        if answered is None:
            raise NotFound("reply_to_unknown",
                           _("Le message auquel vous répondez n'existe pas dans ce fil."))

    # A post with nothing attached and no one named is one statement on PostgreSQL, its own
    # transaction (see emit_in_one_statement); anything else writes more rows in one.
    plain = connection.vendor == "postgresql" and not attachments and not files

    def write() -> Posted:
        # Rendered before any transaction: concurrent posts wait for locks, not markdown.
        marked = _marked(body=body, space=space, membership=membership, actor=actor)
        if plain and not marked.mentions.people and not marked.mentions.everyone:
            posted = _post_in_one_statement(actor=actor, thread=thread, client_key=client_key,
                                            marked=marked, reply_to=answered)
            pending.attach(posted.message)
            return posted
        with transaction.atomic():
            return write_in_transaction(marked)

    def write_in_transaction(marked: Marked) -> Posted:
        now = timezone.now()
        # Checked and stored inside the transaction (a document trashed meanwhile is not
        # attached), before the thread's row lock below, which storing a file would hold up.
        pending.gather()
        bumped = _bump_thread_and_take_seq(thread, space, now)
        if bumped is None:
            raise _locked()
        count, seq = bumped
        thread.last_activity_at, thread.message_count = now, count
        message = _new_message(thread=thread, actor=actor, client_id=client_key,
                               now=now, marked=marked, seq=seq, reply_to=answered)
        pending.attach(message)
        event = emit(
            kind="message.created", actor=actor, space=space, seq=seq,
            data={"message": message_data(message, with_reactions=False),
                  "thread": {"id": thread.pk, "title": thread.title,
                             "message_count": thread.message_count,
                             "last_activity_at": now.isoformat()}},
        )
        notify_mentions(actor=actor, space=space, thread=thread, message=message,
                        mentions=marked.mentions)
        return Posted(thread=thread, message=message, seq=event.seq, created=True)

    return _committed(pending, lambda: _once(
        actor=actor, client_id=client_key, write=write,
        same_place=lambda original: original.thread_id == thread.pk))
