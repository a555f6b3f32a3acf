"""The only writers of the inbox. Each change tells the person's own stream
(``inbox.item_added``, ``inbox.read``) with the unread count after it, so every open page of
theirs updates its bell without asking."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from communities.events import emit, emit_to_each
from communities.models import Membership, Message, Space, User
from communities.statements import Statement
from inbox.access import still_member
from inbox.models import SNIPPET_CHARS, InboxItem
from inbox.registry import NewItem, label_of

# Each delivery runs them: most replies deliver one item.
_MEMBERS: Statement[tuple[int, int]] = Statement(
    lambda users, spaces: Membership.objects.filter(user_id__in=users, space_id__in=spaces,
                                                    user__is_active=True)
    .values_list("user_id", "space_id"),
    users=[int], spaces=[int])
_TAKEN: Statement[tuple[int, str]] = Statement(
    lambda users, subjects: InboxItem.objects.filter(recipient_id__in=users,
                                                     subject__in=subjects)
    .values_list("recipient_id", "subject"),
    users=[int], subjects=[str])
_BUSY: Statement[tuple[int, str]] = Statement(
    lambda users, topics: InboxItem.objects.filter(recipient_id__in=users, topic__in=topics,
                                                   read_at__isnull=True)
    .values_list("recipient_id", "topic"),
    users=[int], topics=[str])
_UNREAD: Statement[tuple[int, int]] = Statement(
    lambda users: InboxItem.objects.filter(still_member(), recipient_id__in=users,
                                           read_at__isnull=True)
    .values("recipient_id").annotate(n=Count("pk")).values_list("recipient_id", "n"),
    users=[int])
_SLUGS: Statement[tuple[int, str]] = Statement(
    lambda ids: Space.objects.filter(pk__in=ids).values_list("pk", "slug"), ids=[int])


def item_data(item: InboxItem, *, space_slug: str) -> dict[str, Any]:
    return {
        "id": item.pk, "kind": item.kind, "label": label_of(item.kind), "space": space_slug,
        "title": item.title, "snippet": item.snippet, "url": item.target,
        "created_at": item.created_at.isoformat(),
        "occurs_at": item.occurs_at.isoformat() if item.occurs_at else None,
    }


def _bounded(text: str, limit: int) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[:limit].rstrip() + "…"


def _wanted(items: Sequence[NewItem]) -> list[NewItem]:
    """The items to write: one per person and subject (the first given wins), none for
    someone acting on their own content, none for a space the person no longer belongs to
    or an inactive account, none repeating an unread item of the same topic."""
    firsts: dict[tuple[int, str], NewItem] = {}
    for item in items:
        if item.recipient_id != item.actor_id:
            firsts.setdefault((item.recipient_id, item.subject), item)
    if not firsts:
        return []
    recipients = {key[0] for key in firsts}
    spaces = {item.space_id for item in firsts.values()}
    members = set(_MEMBERS.rows(users=sorted(recipients), spaces=sorted(spaces)))
    kept = [item for item in firsts.values() if (item.recipient_id, item.space_id) in members]
    topics = {item.topic for item in kept if item.topic}
    subjects = {item.subject for item in kept}
    existing = set(_TAKEN.rows(users=sorted(recipients), subjects=sorted(subjects)))
    busy = set(_BUSY.rows(users=sorted(recipients), topics=sorted(topics))) if topics else set()
    wanted, seen_topics = [], set()
    for item in kept:
        topic_key = (item.recipient_id, item.topic)
        if (item.recipient_id, item.subject) in existing:
            continue
        if item.topic and (topic_key in busy or topic_key in seen_topics):
            continue
        if item.topic:
            seen_topics.add(topic_key)
        wanted.append(item)
    return wanted


def _unread_counts(recipients: Iterable[int]) -> dict[int, int]:
    return dict(_UNREAD.rows(users=sorted(recipients)))


def deliver(items: Sequence[NewItem]) -> list[InboxItem]:
    """Add the items (see ``_wanted`` for those skipped) and announce each on its
    recipient's stream. The queries do not grow with the number of recipients."""
    wanted = _wanted(items)
    if not wanted:
        return []
    now = timezone.now()
    rows = [InboxItem(recipient_id=i.recipient_id, kind=i.kind, space_id=i.space_id,
                      subject=i.subject, topic=i.topic, title=_bounded(i.title, 200),
                      snippet=_bounded(i.snippet, SNIPPET_CHARS), target=i.target,
                      actor_id=i.actor_id, occurs_at=i.occurs_at, created_at=now)
            for i in wanted]
    try:
        with transaction.atomic():
            created = InboxItem.objects.bulk_create(rows)
            _announce(created)
    except IntegrityError:
        # A concurrent delivery wrote one of these subjects first: theirs stands.
        return []
    return created


def _announce(created: Sequence[InboxItem]) -> None:
    slugs = space_slugs({item.space_id for item in created})
    counts = _unread_counts({item.recipient_id for item in created})
    # One round per item a person got in this batch (almost always one round).
    rounds: list[dict[int, InboxItem]] = []
    for item in created:
        for batch in rounds:
            if item.recipient_id not in batch:
                batch[item.recipient_id] = item
                break
        else:
            rounds.append({item.recipient_id: item})
    for batch in rounds:
        emit_to_each(kind="inbox.item_added", actor=None, data_for={
            recipient: {"item": item_data(item, space_slug=slugs[item.space_id]),
                        "unread": counts.get(recipient, 0)}
            for recipient, item in batch.items()})


def space_slugs(space_ids: Iterable[int]) -> dict[int, str]:
    return dict(_SLUGS.rows(ids=sorted(space_ids)))


def mark_read(*, user: User, item_ids: Sequence[int]) -> int:
    """Mark some of one's own items read; returns how many changed (others' ids and items
    already read change nothing)."""
    ids = sorted({int(i) for i in item_ids})[:500]
    with transaction.atomic():
        changed = list(InboxItem.objects.filter(recipient=user, pk__in=ids,
                                                read_at__isnull=True)
                       .values_list("pk", flat=True))
        if changed:
            InboxItem.objects.filter(pk__in=changed).update(read_at=timezone.now())
            _tell_read(user, items=changed, everything=False)
    return len(changed)


def mark_seen_in_thread(*, user_id: int, thread_id: int, up_to: int) -> int:
    """What a member has now read in a thread no longer asks for their attention: their items
    about its messages up to ``up_to`` (a mention, a reply) become read, the bell and home
    follow on every device. Returns how many changed."""
    waiting = {int(subject.split(":", 1)[1]): pk for pk, subject in
               InboxItem.objects.filter(recipient_id=user_id, read_at__isnull=True,
                                        subject__regex=r"^message:[0-9]+$")
               .values_list("pk", "subject")}
    if not waiting:
        return 0
    seen = Message.objects.filter(pk__in=list(waiting), thread_id=thread_id, pk__lte=up_to)
    items = [waiting[pk] for pk in seen.values_list("pk", flat=True)]
    if not items:
        return 0
    return mark_read(user=User.objects.get(pk=user_id), item_ids=items)


def mark_all_read(*, user: User) -> int:
    with transaction.atomic():
        changed = InboxItem.objects.filter(recipient=user, read_at__isnull=True).update(
            read_at=timezone.now())
        if changed:
            _tell_read(user, items=[], everything=True)
    return changed


def mark_subject_read(*, subject: str, user_ids: Sequence[int] | None = None) -> None:
    """Done what the item asked (voted in the poll), or nothing left to do (the poll is
    closed): its item is read for those people (everyone when ``user_ids`` is None)."""
    items = InboxItem.objects.filter(subject=subject, read_at__isnull=True)
    if user_ids is not None:
        items = items.filter(recipient_id__in=list(user_ids))
    with transaction.atomic():
        rows = list(items.values_list("pk", "recipient_id"))
        if not rows:
            return
        InboxItem.objects.filter(pk__in=[pk for pk, _r in rows]).update(read_at=timezone.now())
        per_person: dict[int, list[int]] = defaultdict(list)
        for pk, recipient in rows:
            per_person[recipient].append(pk)
        counts = _unread_counts(per_person)
        emit_to_each(kind="inbox.read", actor=None, data_for={
            recipient: {"items": ids, "all": False, "unread": counts.get(recipient, 0)}
            for recipient, ids in per_person.items()})


def forget_words(*, subjects: Sequence[str]) -> None:
    """A message deleted: the items about it keep their place but not its words (they were a
    copy of them), like every other copy of a deleted message."""
    InboxItem.objects.filter(subject__in=list(subjects)).exclude(snippet="").update(snippet="")


def refresh_words(*, snippets: dict[str, str]) -> None:
    """A message edited: the items about it quote its new words."""
    for subject, snippet in snippets.items():
        InboxItem.objects.filter(subject=subject).update(snippet=_bounded(snippet, SNIPPET_CHARS))


def _tell_read(user: User, *, items: list[int], everything: bool) -> None:
    emit(kind="inbox.read", actor=user, owner=user,
         data={"items": items, "all": everything,
               "unread": _unread_counts([user.pk]).get(user.pk, 0)})
