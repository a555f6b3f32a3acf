"""Notifications by email: someone mentioned me, or answered one of my messages.

``collect`` reads the event log (``mention.created`` on personal streams, ``message.created``
replies on space streams) and records one ``Notification`` per (member, message); it re-reads
a few minutes behind its mark on every run, because a transaction may commit an event
stamped earlier than one already seen, and the unique constraint makes the overlap harmless.

``send_due`` claims what is due — everything for members who chose "right away", what came
before the current quarter hour for "every 15 minutes" — and sends one email per member.
Nothing goes to the person who acted, for a space the member left or muted, or when the member
turned notifications off; what they already read in the web app is folded into the next digest
instead of being sent.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communities.models import Event, Membership, Message, ReadPosition, Space, Thread
from emails import joinlinks, replying, unsubscribe
from emails.digest.sections import excerpt, thread_target
from emails.models import (
    EmailPreferences,
    JoinLink,
    Notification,
    NotificationMode,
    NotificationReason,
    NotificationScan,
    NotificationState,
    SpaceEmailPreferences,
)
from emails.outgoing import compose, connection, in_language, language_of

logger = logging.getLogger(__name__)

#: How far behind its mark each scan starts again (late commits, clock skew between hosts).
RESCAN = timedelta(minutes=10)
#: On the very first run, how far back to look.
FIRST_SCAN = timedelta(hours=1)
LEASE = timedelta(minutes=10)
BATCH_MINUTES = 15


# --- collecting ---------------------------------------------------------------------------
def collect(*, now: datetime | None = None) -> int:
    """Record the notifications the log holds since the last scan; returns how many new."""
    now = now or timezone.now()
    scan = NotificationScan.objects.first()
    start = (scan.scanned_until - RESCAN) if scan else now - FIRST_SCAN
    events = list(Event.objects.filter(
        Q(kind="mention.created", owner__isnull=False)
        | (Q(kind="message.created", space__isnull=False)
           & ~Q(payload__message__reply_to=None)),
        created_at__gt=start, created_at__lte=now,
    ).order_by("created_at", "id"))
    rows = _mention_rows(events) + _reply_rows(events)
    before = Notification.objects.count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    added = Notification.objects.count() - before
    if scan is None:
        NotificationScan.objects.create(scanned_until=now)
    else:
        NotificationScan.objects.filter(pk=scan.pk).update(scanned_until=now)
    return added


def _mention_rows(events: Sequence[Event]) -> list[Notification]:
    mentions = [e for e in events if e.kind == "mention.created"]
    spaces = dict(Space.objects.filter(slug__in={e.payload["space"] for e in mentions})
                  .values_list("slug", "pk")) if mentions else {}
    return [Notification(user_id=int(e.owner_id or 0), space_id=spaces[e.payload["space"]],
                         thread_id=e.payload["thread"]["id"], message_id=e.payload["message"],
                         actor_id=e.actor_id, reason=NotificationReason.MENTION,
                         created_at=e.created_at)
            for e in mentions
            if e.payload["space"] in spaces and e.owner_id != e.actor_id]


def _reply_rows(events: Sequence[Event]) -> list[Notification]:
    replies = [e for e in events
               if e.kind == "message.created" and e.payload["message"].get("reply_to")]
    answered = {e.payload["message"]["reply_to"]["id"] for e in replies}
    authors = dict(Message.objects.filter(pk__in=answered).values_list("pk", "author_id")
                   ) if answered else {}
    rows = []
    for event in replies:
        message = event.payload["message"]
        recipient = authors.get(message["reply_to"]["id"])
        if recipient is None or recipient == message["author"]["id"]:
            continue  # answering oneself notifies nobody
        rows.append(Notification(user_id=recipient, space_id=int(event.space_id or 0),
                                 thread_id=event.payload["thread"]["id"],
                                 message_id=message["id"], actor_id=event.actor_id,
                                 reason=NotificationReason.REPLY, created_at=event.created_at))
    return rows


# --- sending ------------------------------------------------------------------------------
@dataclass
class SendResult:
    sent: list[int] = field(default_factory=list)  # notification ids
    folded: list[int] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)


def batch_boundary(now: datetime) -> datetime:
    """Start of the current quarter hour: batched notifications before it are due."""
    local = timezone.localtime(now)
    return local.replace(minute=local.minute - local.minute % BATCH_MINUTES, second=0,
                         microsecond=0)


def _claim_due(*, now: datetime, token: str) -> list[Notification]:
    boundary = batch_boundary(now)
    batched = EmailPreferences.objects.filter(notifications=NotificationMode.BATCHED).values(
        "user_id")
    open_rows = Q(state=NotificationState.PENDING) | Q(state=NotificationState.CLAIMED,
                                                      lease_until__lt=now)
    due = Q(created_at__lt=boundary) | ~Q(user_id__in=batched)
    with transaction.atomic():
        ids = list(Notification.objects.select_for_update(skip_locked=True)
                   .filter(open_rows, due).values_list("pk", flat=True)[:1000])
        Notification.objects.filter(pk__in=ids).update(
            state=NotificationState.CLAIMED, claim_token=token, lease_until=now + LEASE)
    return list(Notification.objects.filter(pk__in=ids, claim_token=token)
                .select_related("user", "space", "actor").order_by("created_at", "pk"))


def _settle(ids: Sequence[int], state: str, token: str) -> None:
    if ids:
        Notification.objects.filter(pk__in=ids, claim_token=token).update(
            state=state, settled_at=timezone.now())


def send_due(*, now: datetime | None = None,
             send: Callable[[EmailMessage, object], None] | None = None) -> SendResult:
    """Claim the notifications that are due and send them, one email per member."""
    now = now or timezone.now()
    token = secrets.token_hex(16)
    claimed = _claim_due(now=now, token=token)
    result = SendResult()
    if not claimed:
        return result
    user_ids = {n.user_id for n in claimed}
    modes = dict(EmailPreferences.objects.filter(user_id__in=user_ids)
                 .values_list("user_id", "notifications"))
    muted = set(SpaceEmailPreferences.objects.filter(user_id__in=user_ids,
                                                     notifications_muted=True)
                .values_list("user_id", "space_id"))
    members = set(Membership.objects.filter(user_id__in=user_ids)
                  .values_list("user_id", "space_id"))
    read = {(r.user_id, r.thread_id): r.last_read_message for r in ReadPosition.objects.filter(
        user_id__in=user_ids, thread_id__in={n.thread_id for n in claimed})}
    messages = Message.objects.in_bulk({n.message_id for n in claimed})
    threads = Thread.objects.in_bulk({n.thread_id for n in claimed})
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for note in claimed:
        key = (note.user_id, note.space_id)
        message = messages.get(note.message_id)
        if (modes.get(note.user_id) == NotificationMode.OFF or key in muted
                or key not in members or not note.user.is_active
                or message is None or message.deleted_at is not None
                or note.thread_id not in threads or note.actor_id == note.user_id):
            result.dropped.append(note.pk)
        elif read.get((note.user_id, note.thread_id), 0) >= note.message_id:
            result.folded.append(note.pk)
        else:
            by_user[note.user_id].append(note)
    _settle(result.dropped, NotificationState.DROPPED, token)
    _settle(result.folded, NotificationState.FOLDED, token)
    with connection() as opened:
        for notes in by_user.values():
            email = _render(notes, messages, threads)
            (send or _send)(email, opened)
            ids = [n.pk for n in notes]
            _settle(ids, NotificationState.SENT, token)
            result.sent.extend(ids)
    logger.info("notifications: %d sent, %d folded, %d dropped", len(result.sent),
                len(result.folded), len(result.dropped))
    return result


def _send(message: EmailMessage, opened: object) -> None:
    message.connection = opened  # type: ignore[assignment]
    message.send()


@dataclass
class NoticeLine:
    note: Notification
    thread: Thread
    headline: str
    excerpt: str
    link: str
    reply_address: str


def _render(notes: Sequence[Notification], messages: dict[int, Message],
            threads: dict[int, Thread]) -> EmailMessage:
    user = notes[0].user
    language = language_of(user)
    links = []
    lines = []
    with in_language(language):
        for note in notes:
            thread = threads[note.thread_id]
            thread.space = note.space
            link, raw = joinlinks.new_link(
                user=user, space=note.space,
                target=thread_target(note.space, note.thread_id, note.message_id))
            links.append(link)
            name = note.actor.label if note.actor else _("Quelqu'un")
            if note.reason == NotificationReason.MENTION:
                headline = _("%(name)s vous mentionne dans « %(thread)s »")
            else:
                headline = _("%(name)s a répondu à votre message dans « %(thread)s »")
            lines.append(NoticeLine(
                note=note, thread=thread,
                headline=headline % {"name": name, "thread": thread.title},
                excerpt=excerpt(messages[note.message_id].body),
                link=joinlinks.landing_url(raw),
                reply_address=replying.address_for(user=user, thread=thread,
                                                  message=messages[note.message_id])))
        preferences, raw_preferences = joinlinks.new_link(
            user=user, target=reverse("emails:preferences"), space=None)
        links.append(preferences)
        subject = lines[0].headline if len(lines) == 1 else ngettext(
            "%(n)s nouvelle notification — Espace collaboratif",
            "%(n)s nouvelles notifications — Espace collaboratif", len(lines)) % {"n": len(lines)}
    JoinLink.objects.bulk_create(links)
    spaces = {note.space_id for note in notes}
    return compose(
        to=user.email, language=language, subject=subject, template="emails/mail/notification",
        context={"user": user, "lines": lines,
                 "preferences_link": joinlinks.landing_url(raw_preferences),
                 "days": settings.JOIN_LINK_DAYS},
        # A single thread's notice can be answered by replying to it.
        reply_to=(lines[0].reply_address or None) if len(lines) == 1 else None,
        # One space: "unsubscribe" stops that space; several: everything.
        unsubscribe=unsubscribe.links_for(user=user, space=notes[0].space
                                          if len(spaces) == 1 else None),
    )
