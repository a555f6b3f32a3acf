"""Items from conversations: I am mentioned; someone answers my message, or writes in a
thread I started or took part in."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Min
from django.utils.translation import gettext_lazy as _

from communities.markdown import plain_line
from communities.models import Event, Message, Space
from communities.statements import Statement
from inbox import registry, services
from inbox.links import thread_target
from inbox.models import SNIPPET_CHARS
from inbox.registry import NewItem

MENTION = "mention"
REPLY = "reply"


def register() -> None:
    # Mentions first: a message that both names me and answers me is one item, a mention.
    registry.register("mention.created", mentions)
    registry.register("message.created", replies)
    registry.register("message.edited", edited)
    registry.register("message.deleted", deleted)
    registry.register("read.updated", seen)
    registry.register_label(MENTION, _("Mention"))
    registry.register_label(REPLY, _("Réponse"))


def _bodies(message_ids: Iterable[int]) -> dict[int, str]:
    return dict(Message.objects.filter(pk__in=set(message_ids), deleted_at__isnull=True)
                .values_list("pk", "body"))


def mentions(events: Sequence[Event]) -> list[NewItem]:
    bodies = _bodies(e.payload["message"] for e in events)
    spaces = dict(Space.objects.filter(slug__in={e.payload["space"] for e in events})
                  .values_list("slug", "pk"))
    items = []
    for event in events:
        data = event.payload
        message_id = data["message"]
        if message_id not in bodies or data["space"] not in spaces or event.owner_id is None:
            continue
        items.append(NewItem(
            recipient_id=event.owner_id, kind=MENTION, space_id=spaces[data["space"]],
            subject=f"message:{message_id}", title=data["thread"]["title"],
            snippet=plain_line(bodies[message_id], SNIPPET_CHARS),
            target=thread_target(data["space"], data["thread"]["id"], message_id),
            actor_id=event.actor_id))
    return items


# Every post runs them.
_WRITERS: Statement[tuple[int, int, int]] = Statement(
    lambda thread_ids: Message.objects.filter(thread_id__in=thread_ids)
    .values("thread_id", "author_id").annotate(first=Min("pk"))
    .values_list("thread_id", "author_id", "first"),
    thread_ids=[int])
_AUTHORS: Statement[tuple[int, int]] = Statement(
    lambda ids: Message.objects.filter(pk__in=ids).values_list("pk", "author_id"), ids=[int])


def replies(events: Sequence[Event]) -> list[NewItem]:
    """Whoever the message answers, and everyone who wrote earlier in the thread (its
    starter included): one query for all the batch's threads."""
    threads = {e.payload["thread"]["id"] for e in events}
    # Each writer with their first message in the thread: a message reaches those who wrote
    # before it.
    writers: dict[int, dict[int, int]] = defaultdict(dict)
    for thread_id, author_id, first in _WRITERS.rows(thread_ids=sorted(threads)):
        writers[thread_id][author_id] = first
    answered_ids = {e.payload["message"]["reply_to"]["id"] for e in events
                    if e.payload["message"].get("reply_to")}
    answered = dict(_AUTHORS.rows(ids=sorted(answered_ids))) if answered_ids else {}
    slugs = services.space_slugs({e.space_id for e in events if e.space_id})
    items = []
    for event in events:
        message, thread = event.payload["message"], event.payload["thread"]
        if event.space_id is None or message.get("deleted"):
            continue
        slug = slugs[event.space_id]
        common = {"kind": REPLY, "space_id": event.space_id, "subject": f"message:{message['id']}",
                  "title": thread["title"], "actor_id": event.actor_id,
                  "snippet": plain_line(message.get("body", ""), SNIPPET_CHARS),
                  "target": thread_target(slug, thread["id"], message["id"])}
        reply_to = message.get("reply_to")
        direct = answered.get(reply_to["id"]) if reply_to else None
        if direct is not None:
            items.append(NewItem(recipient_id=direct, **common))
        for writer, first in writers[thread["id"]].items():
            if writer != direct and first < message["id"]:
                items.append(NewItem(recipient_id=writer, topic=f"thread:{thread['id']}",
                                     **common))
    return items


def edited(events: Sequence[Event]) -> list[NewItem]:
    services.refresh_words(snippets={
        f"message:{e.payload['message']['id']}": plain_line(e.payload["message"]["body"],
                                                           SNIPPET_CHARS)
        for e in events})
    return []


def deleted(events: Sequence[Event]) -> list[NewItem]:
    services.forget_words(subjects=[f"message:{e.payload['message']['id']}" for e in events])
    return []


def seen(events: Sequence[Event]) -> list[NewItem]:
    """A member read a thread: the mentions and replies they have now seen are read."""
    for event in events:
        if event.actor_id is not None:
            services.mark_seen_in_thread(user_id=event.actor_id,
                                         thread_id=int(event.payload["thread"]),
                                         up_to=int(event.payload["last_read_message"]))
    return []
