"""The event-verification helper (after Zulip's ``verify_action``): run a service, capture the
events it emits after commit, and check their kinds and payloads."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.test import TestCase

from communities.events import EVENT_SCHEMAS
from communities.models import Event


@contextmanager
def capture_events() -> Iterator[list[Event]]:
    """Collect the events published after commit while the block runs (the real publisher
    still runs; this only records what reached it)."""
    published: list[Event] = []
    from realtime import publish as publish_module

    real = publish_module.publish_event

    def recording(event: Event, *, stream_label: str) -> None:
        published.append(event)
        real(event, stream_label=stream_label)

    with mock.patch.object(publish_module, "publish_event", recording), \
            TestCase.captureOnCommitCallbacks(execute=True):
        yield published


def verify_action(action: Callable[[], Any], *, kinds: list[str]) -> tuple[Any, list[Event]]:
    """Run ``action``; assert it published exactly ``kinds`` in order, each payload carrying the
    keys its schema requires; return the action's result and the events."""
    with capture_events() as events:
        result = action()
    if not any(kind.startswith("inbox.") for kind in kinds):
        # The inbox reacts to many events with items of its own, on the people's streams;
        # tests of the inbox ask for them, the others check what their action emitted.
        events[:] = [e for e in events if not e.kind.startswith("inbox.")]
    assert [e.kind for e in events] == kinds, [e.kind for e in events]
    for event in events:
        assert EVENT_SCHEMAS[event.kind] <= event.payload.keys()
        stored = Event.objects.get(pk=event.pk)
        assert stored.payload == event.payload
    return result, events


# --- a client's view of a space, rebuilt from events -----------------------------------------
def fetch_state(space_slug: str) -> dict[str, Any]:
    """What a client would load from scratch: members with roles, threads with messages."""
    from communities.models import Membership, Thread
    from communities.serializers import message_data

    members = {m.user_id: m.role for m in Membership.objects.filter(space__slug=space_slug)}
    threads = {
        t.pk: {"title": t.title, "message_count": t.message_count,
               "pinned": t.pinned_at is not None, "locked": t.locked_at is not None,
               "messages": [message_data(m) for m in t.messages.select_related(
                   "author", "reply_to__author").prefetch_related("reactions")]}
        for t in Thread.objects.filter(space__slug=space_slug)
    }
    return {"members": members, "threads": threads}


def _quote(message: dict[str, Any]) -> dict[str, Any]:
    # A client re-quotes an edited message from its words, without their Markdown.
    from communities.markdown import plain_line

    return {"id": message["id"], "author": message["author"]["display_name"],
            "excerpt": plain_line(message["body"], 140),
            "deleted": message["deleted"]}


def _message_in(state: dict[str, Any], thread_id: int, message_id: int) -> dict[str, Any]:
    return next(m for m in state["threads"][thread_id]["messages"] if m["id"] == message_id)


def _card_of(document: dict[str, Any], kind: str) -> dict[str, Any]:
    from django.urls import reverse

    if kind == "document.purged":
        return {"id": None, "title": "", "content_type": "", "size": 0, "url": None,
                "download_url": None, "deleted": True}
    if document["deleted"]:
        return {"id": document["id"], "title": "", "content_type": "", "size": 0, "url": None,
                "download_url": None, "deleted": True}
    version = document["version"] or {"content_type": "", "size": 0}
    return {"id": document["id"], "title": document["title"],
            "content_type": version["content_type"], "size": version["size"],
            "url": reverse("document", args=[document["space"], document["id"]]),
            "download_url": reverse("document-download",
                                    args=[document["space"], document["id"]]),
            "deleted": False}


def _update_cards(state: dict[str, Any], kind: str, document: dict[str, Any]) -> None:
    for thread in state["threads"].values():
        for message in thread["messages"]:
            message["attachments"] = [_card_of(document, kind) if c["id"] == document["id"]
                                      else c for c in message["attachments"]]


def apply_event(state: dict[str, Any], kind: str, data: dict[str, Any]) -> None:
    """How a client updates its view for each event kind of a space stream."""
    if kind == "thread.created":
        state["threads"][data["thread"]["id"]] = {
            "title": data["thread"]["title"], "message_count": data["thread"]["message_count"],
            "pinned": data["thread"]["pinned"], "locked": data["thread"]["locked"],
            "messages": [data["message"]],
        }
    elif kind in {"thread.updated", "thread.pinned", "thread.locked", "thread.announced"}:
        thread = state["threads"][data["thread"]["id"]]
        thread.update({key: data["thread"][key] for key in ("title", "pinned", "locked")})
    elif kind in {"message.edited", "message.deleted"}:
        messages = state["threads"][data["message"]["thread"]]["messages"]
        messages[:] = [data["message"] if m["id"] == data["message"]["id"] else m
                       for m in messages]
        for other in messages:  # replies quote what they answer
            if other["reply_to"] and other["reply_to"]["id"] == data["message"]["id"]:
                other["reply_to"] = _quote(data["message"])
    elif kind in {"reaction.added", "reaction.removed"}:
        reactions = _message_in(state, data["thread"], data["message"])["reactions"]
        group = next((r for r in reactions if r["emoji"] == data["emoji"]), None)
        if kind == "reaction.added":
            if group is None:
                reactions.append({"emoji": data["emoji"], "users": [data["user"]["id"]]})
            else:
                group["users"].append(data["user"]["id"])
        elif group is not None:
            group["users"].remove(data["user"]["id"])
            if not group["users"]:
                reactions.remove(group)
    elif kind == "message.created":
        thread = state["threads"][data["thread"]["id"]]
        thread["messages"].append(data["message"])
        thread["message_count"] = data["thread"]["message_count"]
    elif kind == "member.joined":
        state["members"][data["member"]["id"]] = data["role"]
    elif kind in {"member.left", "member.removed"}:
        state["members"].pop(data["member"]["id"], None)
    elif kind == "member.role_changed":
        state["members"][data["member"]["id"]] = data["role"]
    elif kind in {"invitation.sent", "space.created"}:
        pass  # nothing a member's view of the space keeps
    elif kind.startswith("document."):
        # Documents have their own client state (tests/docs_store/state.py); here only the
        # cards of the messages they are attached to follow them.
        _update_cards(state, kind, data["document"])
    elif kind.startswith("folder.") or kind == "document_settings.changed":
        pass
    else:
        raise AssertionError(f"the client does not know how to apply {kind}")


def verify_space_action(space_slug: str, action: Callable[[], Any], *,
                        kinds: list[str]) -> tuple[Any, list[Event]]:
    """``verify_action`` plus: the state a client held before, updated with the events, equals
    a fresh fetch afterwards."""
    before = fetch_state(space_slug)
    result, events = verify_action(action, kinds=kinds)
    for event in events:
        if event.space_id is not None:
            apply_event(before, event.kind, event.payload)
    assert before == fetch_state(space_slug)
    return result, events
