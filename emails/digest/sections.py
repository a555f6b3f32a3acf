"""The sections of a digest. Each reads what it needs for a whole batch in ``prepare`` (a fixed
number of queries whatever the number of members) and then picks, per member and space, the
items of that member's window in ``items`` (no query). A new kind of content is a new Section;
another app's (meetings, polls) is registered with ``register_section`` from its
AppConfig.ready(), so mail knows nothing of it."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from functools import lru_cache
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from communities.mentions import plain_mentions
from communities.models import Event, Message, Space
from emails.digest.content import Item, Recipient

EXCERPT_CHARS = 160
NAMES_SHOWN = 3


def shown(person: dict[str, Any] | None) -> str:
    """A person of an event payload as members see them: told apart from a namesake of the
    space (``label``); events stored before labels existed carry only the name."""
    person = person or {}
    return str(person.get("label") or person.get("display_name", ""))


def excerpt(text: str) -> str:
    flat = " ".join(plain_mentions(text or "").split())
    return flat[:EXCERPT_CHARS] + ("…" if len(flat) > EXCERPT_CHARS else "")


@lru_cache(maxsize=256)
def _thread_pattern(slug: str) -> tuple[str, str]:
    # reverse() costs ~0.1 ms and a digest batch needs thousands: reverse once per space.
    head, _marker, tail = reverse("thread", kwargs={"slug": slug, "thread_id": 987654321}
                                  ).partition("987654321")
    return head, tail


def thread_target(space: Space, thread_id: int, message_id: int | None = None) -> str:
    head, tail = _thread_pattern(space.slug)
    url = f"{head}{int(thread_id)}{tail}"
    return f"{url}?message={message_id}#message-{message_id}" if message_id else url


@lru_cache(maxsize=256)
def _document_pattern(slug: str) -> tuple[str, str]:
    head, _marker, tail = reverse("document", kwargs={"slug": slug, "document_id": 987654321}
                                  ).partition("987654321")
    return head, tail


def document_target(space: Space, document_id: int) -> str:
    head, tail = _document_pattern(space.slug)
    return f"{head}{int(document_id)}{tail}"


def names(people: Sequence[str]) -> str:
    shown = list(people[:NAMES_SHOWN])
    rest = len(people) - len(shown)
    if rest > 0:
        return ngettext("%(names)s et %(n)s autre personne", "%(names)s et %(n)s autres personnes",
                        rest) % {"names": ", ".join(shown), "n": rest}
    if len(shown) > 1:
        return _("%(names)s et %(last)s") % {"names": ", ".join(shown[:-1]), "last": shown[-1]}
    return shown[0] if shown else ""


class Batch:
    """What the sections of one batch share: the space events of every window, by space.

    Most members of a batch read the same window (same period, same previous digest), so a
    window's events, and what a section derives from them, are computed once per distinct
    (space, start, end, kinds) and shared: the lists handed out must not be changed."""

    def __init__(self, events: list[Event]) -> None:
        self.by_space: dict[int, list[Event]] = defaultdict(list)
        for event in events:  # already ordered by created_at
            if event.space_id is not None:
                self.by_space[event.space_id].append(event)
        self.times = {pk: [e.created_at for e in found] for pk, found in self.by_space.items()}
        self._memo: dict[Hashable, Any] = {}

    def memo(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def window(self, recipient: Recipient, space: Space,
               kinds: frozenset[str] | None = None) -> list[Event]:
        start = max(recipient.since, recipient.joined.get(space.pk, recipient.since))

        def compute() -> list[Event]:
            times = self.times.get(space.pk, [])
            found = self.by_space.get(space.pk, [])[
                bisect_right(times, start):bisect_right(times, recipient.until)]
            return found if kinds is None else [e for e in found if e.kind in kinds]

        return self.memo(("window", space.pk, start, recipient.until, kinds), compute)


class Section:
    key = ""
    heading: Any = ""
    #: Event kinds (space streams) the batch must load for this section.
    kinds: frozenset[str] = frozenset()
    #: At most this many items per space; the rest is counted ("and 12 more").
    limit = 8
    #: False: items come oldest first and the newest are shown; True: already in order.
    ranked = False
    #: Where the section comes in the email (smaller first).
    order = 100

    def prepare(self, *, recipients: Sequence[Recipient], batch: Batch) -> None:
        """Load per-batch data (extend when a section needs more than the events)."""
        self.batch = batch

    def items(self, *, recipient: Recipient, space: Space, events: list[Event]) -> list[Item]:
        raise NotImplementedError


class NewThreads(Section):
    key = "new_threads"
    order = 40
    heading = gettext_lazy("Nouveaux fils de discussion")
    kinds = frozenset({"thread.created"})

    def prepare(self, *, recipients: Sequence[Recipient], batch: Batch) -> None:
        super().prepare(recipients=recipients, batch=batch)
        # Deleting a message rewrites its events, but a digest must not depend on that alone:
        # an opening message deleted since is never quoted (one query for the batch).
        opening = {e.payload["message"]["id"] for events in batch.by_space.values()
                   for e in events if e.kind == "thread.created"}
        self.deleted: set[int] = set(
            Message.objects.filter(pk__in=opening, deleted_at__isnull=False)
            .values_list("pk", flat=True)
        ) if opening else set()

    def items(self, *, recipient: Recipient, space: Space, events: list[Event]) -> list[Item]:
        found = []
        for event in events:
            if event.kind != "thread.created" or event.actor_id == recipient.user.pk:
                continue
            thread = event.payload["thread"]
            author = shown(thread.get("author"))
            message = event.payload["message"]
            # The thread is still there (its title is not the message); its words are not.
            words = "" if message["id"] in self.deleted else message.get("body", "")
            found.append(Item(title=thread["title"], target=thread_target(space, thread["id"]),
                              detail=_("lancé par %(name)s") % {"name": author},
                              excerpt=excerpt(words),
                              thread_id=thread["id"]))
        return found


class ActiveDiscussions(Section):
    key = "active"
    order = 50
    heading = gettext_lazy("Discussions les plus actives")
    kinds = frozenset({"message.created"})
    limit = 5
    ranked = True

    def _ranking(self, events: list[Event]) -> list[tuple[int, dict[str, Any]]]:
        threads: dict[int, dict[str, Any]] = {}
        for event in events:
            message, thread = event.payload["message"], event.payload["thread"]
            entry = threads.setdefault(thread["id"], {"title": thread["title"], "count": 0,
                                                      "people": {}, "first": message["id"]})
            entry["title"] = thread["title"]
            entry["count"] += 1
            entry["people"].setdefault(message["author"]["id"],
                                       shown(message["author"]))
        return sorted(threads.items(), key=lambda e: (-e[1]["count"], -e[1]["first"]))

    def items(self, *, recipient: Recipient, space: Space, events: list[Event]) -> list[Item]:
        # Shared by every member with this window (``events`` is the batch's shared list).
        ranking = self.batch.memo(("active", id(events)), lambda: self._ranking(events))
        found = []
        for thread_id, entry in ranking:
            if entry["people"].keys() == {recipient.user.pk}:
                continue  # only the member spoke there: nothing new for them
            count = ngettext("%(n)s nouveau message", "%(n)s nouveaux messages",
                             entry["count"]) % {"n": entry["count"]}
            who = names(list(entry["people"].values()))
            found.append(Item(title=entry["title"],
                              target=thread_target(space, thread_id, entry["first"]),
                              detail=_("%(count)s — avec %(who)s") % {"count": count, "who": who},
                              thread_id=thread_id))
            if len(found) == self.limit:
                break
        return found


class Mentions(Section):
    """Messages that name the member (from their personal stream)."""

    key = "mentions"
    order = 10
    heading = gettext_lazy("Messages qui vous mentionnent")

    def prepare(self, *, recipients: Sequence[Recipient], batch: Batch) -> None:
        super().prepare(recipients=recipients, batch=batch)
        if not recipients:
            self.by_user: dict[int, list[Event]] = {}
            self.bodies: dict[int, str] = {}
            return
        since = min(r.since for r in recipients)
        until = max(r.until for r in recipients)
        self.by_user = defaultdict(list)
        for event in Event.objects.filter(
            owner_id__in=[r.user.pk for r in recipients], kind="mention.created",
            created_at__gt=since, created_at__lte=until,
        ).order_by("created_at", "id"):
            self.by_user[event.owner_id].append(event)  # type: ignore[index]
        wanted = {e.payload["message"] for events in self.by_user.values() for e in events}
        self.bodies = dict(
            Message.objects.filter(pk__in=wanted, deleted_at__isnull=True)
            .values_list("pk", "body")
        ) if wanted else {}

    def items(self, *, recipient: Recipient, space: Space, events: list[Event]) -> list[Item]:
        start = max(recipient.since, recipient.joined.get(space.pk, recipient.since))
        found = []
        for event in self.by_user.get(recipient.user.pk, ()):
            data = event.payload
            if data["space"] != space.slug or not start < event.created_at <= recipient.until:
                continue
            if data["message"] not in self.bodies:
                continue  # deleted since
            found.append(Item(title=data["thread"]["title"],
                              target=thread_target(space, data["thread"]["id"], data["message"]),
                              detail=_("%(name)s vous mentionne")
                              % {"name": shown(data["by"])},
                              excerpt=excerpt(self.bodies[data["message"]]),
                              thread_id=data["thread"]["id"]))
        return found


class Documents(Section):
    key = "documents"
    order = 60
    heading = gettext_lazy("Nouveaux documents et versions")
    kinds = frozenset({"document.created", "document.version_added", "document.deleted",
                       "document.purged"})

    def items(self, *, recipient: Recipient, space: Space, events: list[Event]) -> list[Item]:
        latest: dict[int, Item] = {}
        for event in events:
            document = event.payload["document"]
            if event.kind in {"document.deleted", "document.purged"}:
                latest.pop(document["id"], None)
                continue
            if event.actor_id == recipient.user.pk or event.kind not in {
                "document.created", "document.version_added"
            }:
                continue
            version = event.payload.get("version") or document.get("version") or {}
            uploader = shown(version.get("uploaded_by"))
            if event.kind == "document.created":
                detail = _("ajouté par %(name)s") % {"name": uploader}
            else:
                detail = _("version %(n)s ajoutée par %(name)s") % {
                    "n": version.get("number", ""), "name": uploader}
            latest[document["id"]] = Item(title=document["title"],
                                          target=document_target(space, document["id"]),
                                          detail=detail)
        return list(latest.values())


#: Sections other apps add (``register_section`` in their AppConfig.ready()), by key.
_registered: dict[str, type[Section]] = {}


def register_section(section: type[Section]) -> None:
    """Add a kind of content to every digest, placed by its ``order`` among the others."""
    if not section.key or _registered.get(section.key, section) is not section:
        raise ValueError(f"a digest section needs its own key ({section.key!r})")
    _registered[section.key] = section


def default_sections() -> list[Section]:
    """A fresh set per batch (sections keep per-batch data)."""
    kinds: list[type[Section]] = [Mentions, NewThreads, ActiveDiscussions, Documents,
                                  *_registered.values()]
    return [kind() for kind in sorted(kinds, key=lambda kind: kind.order)]
