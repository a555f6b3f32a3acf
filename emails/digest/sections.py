"""The sections of a digest. Each reads what it needs for a whole batch in ``prepare`` (a fixed
number of queries whatever the number of members) and then picks, per member and space, the
items of that member's window in ``items`` (no query). A new kind of content — meetings,
polls — is a new Section in ``SECTIONS``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from communities.models import Event, Message, Space
from emails.digest.content import Item, Recipient

EXCERPT_CHARS = 160
ACTIVE_THREADS = 5
NAMES_SHOWN = 3


def excerpt(text: str) -> str:
    flat = " ".join((text or "").split())
    return flat[:EXCERPT_CHARS] + ("…" if len(flat) > EXCERPT_CHARS else "")


def thread_target(space: Space, thread_id: int, message_id: int | None = None) -> str:
    url = reverse("thread", kwargs={"slug": space.slug, "thread_id": thread_id})
    return f"{url}?message={message_id}#message-{message_id}" if message_id else url


def document_target(space: Space, document_id: int) -> str:
    # The documents pages are being built apart; until they exist the link opens the file
    # (the API's download needs a bearer token, so it cannot serve a signed-in browser).
    try:
        return reverse("document", kwargs={"slug": space.slug, "document_id": document_id})
    except NoReverseMatch:
        return reverse("emails:document", args=[document_id])


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
    """What the sections of one batch share: the space events of every window, by space."""

    def __init__(self, events: list[Event]) -> None:
        self.by_space: dict[int, list[Event]] = defaultdict(list)
        for event in events:
            if event.space_id is not None:
                self.by_space[event.space_id].append(event)

    def window(self, recipient: Recipient, space: Space) -> list[Event]:
        start = max(recipient.since, recipient.joined.get(space.pk, recipient.since))
        return [e for e in self.by_space.get(space.pk, ())
                if start < e.created_at <= recipient.until]


class Section:
    key = ""
    heading: Any = ""
    #: Event kinds (space streams) the batch must load for this section.
    kinds: frozenset[str] = frozenset()

    def prepare(self, *, recipients: Sequence[Recipient], batch: Batch) -> None:
        """Load per-batch data (override when a section needs more than the events)."""

    def items(self, *, recipient: Recipient, space: Space, events: list[Event]) -> list[Item]:
        raise NotImplementedError


class NewThreads(Section):
    key = "new_threads"
    heading = gettext_lazy("Nouveaux fils de discussion")
    kinds = frozenset({"thread.created"})

    def items(self, *, recipient: Recipient, space: Space, events: list[Event]) -> list[Item]:
        found = []
        for event in events:
            if event.kind != "thread.created" or event.actor_id == recipient.user.pk:
                continue
            thread = event.payload["thread"]
            author = thread.get("author", {}).get("display_name", "")
            found.append(Item(title=thread["title"], target=thread_target(space, thread["id"]),
                              detail=_("lancé par %(name)s") % {"name": author},
                              excerpt=excerpt(event.payload["message"].get("body", "")),
                              thread_id=thread["id"]))
        return found


class ActiveDiscussions(Section):
    key = "active"
    heading = gettext_lazy("Discussions les plus actives")
    kinds = frozenset({"message.created"})

    def items(self, *, recipient: Recipient, space: Space, events: list[Event]) -> list[Item]:
        threads: dict[int, dict[str, Any]] = {}
        for event in events:
            if event.kind != "message.created":
                continue
            message, thread = event.payload["message"], event.payload["thread"]
            entry = threads.setdefault(thread["id"], {"title": thread["title"], "count": 0,
                                                      "people": {}, "others": False,
                                                      "first": message["id"]})
            entry["title"] = thread["title"]
            entry["count"] += 1
            entry["people"].setdefault(message["author"]["id"],
                                       message["author"]["display_name"])
            entry["others"] |= message["author"]["id"] != recipient.user.pk
        ranked = sorted((e for e in threads.items() if e[1]["others"]),
                        key=lambda e: (-e[1]["count"], -e[1]["first"]))[:ACTIVE_THREADS]
        found = []
        for thread_id, entry in ranked:
            count = ngettext("%(n)s nouveau message", "%(n)s nouveaux messages",
                             entry["count"]) % {"n": entry["count"]}
            who = names(list(entry["people"].values()))
            found.append(Item(title=entry["title"],
                              target=thread_target(space, thread_id, entry["first"]),
                              detail=_("%(count)s — avec %(who)s") % {"count": count, "who": who},
                              thread_id=thread_id))
        return found


class Mentions(Section):
    """Messages that name the member (from their personal stream)."""

    key = "mentions"
    heading = gettext_lazy("Messages qui vous mentionnent")

    def prepare(self, *, recipients: Sequence[Recipient], batch: Batch) -> None:
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
                              detail=_("%(name)s vous a mentionné·e")
                              % {"name": data["by"]["display_name"]},
                              excerpt=excerpt(self.bodies[data["message"]]),
                              thread_id=data["thread"]["id"]))
        return found


class Documents(Section):
    key = "documents"
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
            uploader = (version.get("uploaded_by") or {}).get("display_name", "")
            if event.kind == "document.created":
                detail = _("ajouté par %(name)s") % {"name": uploader}
            else:
                detail = _("version %(n)s ajoutée par %(name)s") % {
                    "n": version.get("number", ""), "name": uploader}
            latest[document["id"]] = Item(title=document["title"],
                                          target=document_target(space, document["id"]),
                                          detail=detail)
        return list(latest.values())


def default_sections() -> list[Section]:
    """A fresh set per batch (sections keep per-batch data)."""
    return [Mentions(), NewThreads(), ActiveDiscussions(), Documents()]
