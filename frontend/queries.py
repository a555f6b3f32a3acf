"""Reads the pages need beyond communities.selectors, shaped for templates."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from communities.errors import NotFound
from communities.models import (
    Invitation,
    Membership,
    Message,
    MessageRevision,
    Reaction,
    Space,
    Thread,
    User,
)
from communities.photos import photo_path
from communities.selectors import visible_space, visible_thread
from docs_store.attachments import attachments_prefetch


def space_or_404(user: User, slug: str) -> Space:
    try:
        return visible_space(user=user, slug=slug)
    except NotFound as error:
        raise Http404(str(error.message)) from None


def thread_or_404(user: User, slug: str, thread_id: int) -> Thread:
    try:
        thread = visible_thread(user=user, thread_id=thread_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    # A thread is only reachable under its own space, so old or forged URLs do not alias it.
    if thread.space.slug != slug:
        raise Http404
    return thread


def pending_invitations(space: Space) -> list[Invitation]:
    """Invitations not yet accepted nor expired, newest first (shown to facilitators only:
    they carry email addresses)."""
    return list(
        Invitation.objects.filter(space=space, accepted_at__isnull=True,
                                  expires_at__gt=timezone.now())
        .select_related("invited_by")
        .order_by("-created_at")
    )


# --- the conversation ------------------------------------------------------------------------

#: Stands for a message id in URLs and templates that live.js fills in.
PLACEHOLDER_ID = 999_999_999


@dataclass
class ReactionChip:
    emoji: str
    people: list[tuple[int, str]]
    mine: bool

    @property
    def count(self) -> int:
        return len(self.people)

    @property
    def label(self) -> str:
        # Who reacted is part of the name screen readers hear, not only a hover title.
        return gettext("{emoji} {n} — {names}").format(
            emoji=self.emoji, n=self.count, names=", ".join(name for _pk, name in self.people))

    @property
    def people_json(self) -> str:
        return json.dumps(self.people, ensure_ascii=False)


@dataclass
class MessageRow:
    """A message with what the page needs to show it to one person."""

    message: Message
    reactions: list[ReactionChip] = field(default_factory=list)
    can_edit: bool = False
    can_delete: bool = False
    first_unread: bool = False


def message_or_404(user: User, slug: str, message_id: int) -> Message:
    message = (Message.objects.select_related("author", "thread__space", "thread__author",
                                              "reply_to__author")
               .filter(pk=message_id).first())
    if message is None:
        raise Http404
    thread_or_404(user, slug, message.thread_id)
    return message


def _chips(message: Message, user: User) -> list[ReactionChip]:
    # In the order each emoji first appeared, as the API's reactions_of gives them.
    chips: dict[str, ReactionChip] = {}
    for reaction in sorted(message.reactions.all(), key=lambda r: (r.created_at, r.pk)):
        chip = chips.setdefault(reaction.emoji, ReactionChip(reaction.emoji, [], False))
        chip.people.append((reaction.user_id, reaction.user.label))
        chip.mine = chip.mine or reaction.user_id == user.pk
    return list(chips.values())


PAGE_SIZE = 50
#: Messages shown above the first unread one, so it is read in context.
UNREAD_CONTEXT = 3


@dataclass
class Window:
    """Which messages of a thread a page shows, and whether there are more either side."""

    rows: list[MessageRow]
    has_older: bool
    has_newer: bool


def _window_ids(thread: Thread, user: User, read_up_to: int, before: int | None,
                after: int | None, around: int | None) -> list[int]:
    ids = thread.messages.values_list("pk", flat=True)
    if before is not None:
        return sorted(ids.filter(pk__lt=before).order_by("-pk")[:PAGE_SIZE])
    if after is not None:
        return list(ids.filter(pk__gt=after).order_by("pk")[:PAGE_SIZE])
    target = around if around is not None else (
        ids.filter(pk__gt=read_up_to, deleted_at__isnull=True).exclude(author=user)
        .order_by("pk").first())
    last_page = sorted(ids.order_by("-pk")[:PAGE_SIZE])
    if target is None or (last_page and target >= last_page[0]):
        return last_page
    # The message to show (asked for, or the first unread) is older than the last page:
    # start just above it instead.
    context = sorted(ids.filter(pk__lt=target).order_by("-pk")[:UNREAD_CONTEXT])
    return context + list(ids.filter(pk__gte=target).order_by("pk")[
        :PAGE_SIZE - len(context)])


def thread_window(*, thread: Thread, user: User, moderator: bool, read_up_to: int,
                  before: int | None = None, after: int | None = None,
                  around: int | None = None) -> Window:
    """One page of a thread, oldest first: by default the last page, or the page that starts
    at the first unread message (or at ``around``, a message a link points to);
    ``before``/``after`` page through the rest. A constant number of queries whatever the
    thread's length."""
    ids = _window_ids(thread, user, read_up_to, before, after, around)
    if not ids:
        return Window(rows=[], has_older=False, has_newer=False)
    rows = thread_rows(thread=thread, user=user, moderator=moderator, read_up_to=read_up_to,
                       ids=ids)
    others = thread.messages
    return Window(rows=rows, has_older=others.filter(pk__lt=ids[0]).exists(),
                  has_newer=others.filter(pk__gt=ids[-1]).exists())


def thread_rows(*, thread: Thread, user: User, moderator: bool, read_up_to: int,
                ids: list[int] | None = None) -> list[MessageRow]:
    """Messages of the thread (all, or those in ``ids``), oldest first, in three queries:
    messages with authors and quoted messages, reactions with who made them, and attached
    documents with their current versions."""
    messages = (
        thread.messages.select_related("author", "reply_to__author")
        .prefetch_related(Prefetch("reactions",
                                   queryset=Reaction.objects.select_related("user")),
                          attachments_prefetch())
        .order_by("pk")
    )
    if ids is not None:
        messages = messages.filter(pk__in=ids)
    rows = []
    unread_seen = False
    for message in messages:
        mine = message.author_id == user.pk
        alive = message.deleted_at is None
        unread = (alive and not mine and message.pk > read_up_to and not unread_seen)
        unread_seen = unread_seen or unread
        rows.append(MessageRow(
            message=message, reactions=_chips(message, user) if alive else [],
            can_edit=alive and mine, can_delete=alive and (mine or moderator),
            first_unread=unread,
        ))
    return rows


def template_row(thread: Thread) -> MessageRow:
    """An empty message for the <template> live.js clones: every action present, the script
    removes those the person may not use."""
    author = User(pk=0, display_name="")
    message = Message(pk=PLACEHOLDER_ID, thread=thread, author=author, body="", html="",
                      created_at=timezone.now())
    message.attached = []  # type: ignore[attr-defined]  # live.js fills the cards in
    return MessageRow(message=message, can_edit=True, can_delete=True)


def mention_candidates(space: Space) -> list[dict[str, object]]:
    """The composer inserts ``@**name|id**`` (bound to the person) and shows the
    organisation beside the name, so two members of the same name are told apart."""
    people = [User(pk=user_id, display_name=name, organisation=organisation,
                   namesake=namesake, photo=photo)
              for user_id, name, organisation, namesake, photo in
              Membership.objects.filter(space=space, user__is_active=True)
              .order_by("user__display_name", "user_id")
              .values_list("user_id", "user__display_name", "user__organisation",
                           "user__namesake", "user__photo")]
    return [{"id": person.pk, "name": person.display_name, "org": person.organisation,
             # What the pages show beside a namesake's name (organisation or member number).
             "hint": person.namesake_hint,
             # The avatar beside each suggestion, as beside their messages.
             "photo": photo_path(person), "initials": person.initials}
            for person in people]


def revisions_of(message: Message) -> list[MessageRevision]:
    return list(message.revisions.order_by("written_at", "pk"))
