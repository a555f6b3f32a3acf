"""Law 25: once a message is deleted, what it said is gone from everywhere it was copied —
the event log read by the API and by a websocket replay, replies quoting it, and digests."""

from __future__ import annotations

import pytest
from django.utils import timezone

from communities.models import Event, Message
from communities.services.discussion import post_message, start_thread
from communities.services.moderation import delete_message, edit_message
from realtime.store import events_between
from tests.clients import api_client_for
from tests.conftest import People
from tests.emails.helpers import send_weekly, text_of
from tests.events_helper import apply_event, fetch_state, verify_space_action
from tests.queries import queries_of
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db

FIRST_WORDS = "Mon adresse : 12 rue des Érables"
EDITED_WORDS = "Mon numéro : 514 555-0199"


def _said_then_deleted(people: People) -> Message:
    """Marc opens a thread naming Noémie, rewrites it, Noémie answers it, Florence reacts to
    nothing yet: then Marc deletes his message."""
    opened = start_thread(actor=people.member, space=people.space, title="Coordonnées",
                          body=f"@**Noémie Membre** {FIRST_WORDS}")
    edit_message(actor=people.member, message=opened.message,
                 body=f"@**Noémie Membre** {EDITED_WORDS}")
    post_message(actor=people.other_member, thread=opened.thread, body="Bien reçu.",
                 reply_to=opened.message.pk)
    verify_space_action("rma", lambda: delete_message(actor=people.member,
                                                      message=opened.message),
                        kinds=["message.deleted"])
    return opened.message


def _assert_forgotten(text: str) -> None:
    assert FIRST_WORDS not in text
    assert EDITED_WORDS not in text
    assert "Érables" not in text and "555-0199" not in text


def test_the_events_api_no_longer_returns_a_deleted_messages_words(people: People) -> None:
    _said_then_deleted(people)
    answer = api_client_for(people.facilitator).get("/api/v1/spaces/rma/events?after=0")

    assert answer.status_code == 200
    kinds = [e["kind"] for e in answer.json()["events"]]
    # The log keeps every event (seqs stay gapless): only their words are gone.
    assert kinds == ["thread.created", "message.edited", "message.created", "message.deleted"]
    _assert_forgotten(answer.content.decode())
    _assert_forgotten(str(list(Event.objects.values_list("payload", flat=True))))


def test_a_websocket_replay_from_zero_holds_no_words_and_reaches_a_fresh_fetch(
        people: People) -> None:
    message = _said_then_deleted(people)
    # The very read the hub makes for a replay, run here in the test's transaction (the
    # async wrapper would open another connection, which cannot see it).
    read = events_between.func  # type: ignore[attr-defined]
    replay = read(("space", people.space.pk), "rma", 0, None, 100)
    personal = read(("user", people.other_member.pk), "@me", 0, None, 100)

    assert [e.kind for e in personal] == ["mention.created"]
    for event in [*replay, *personal]:
        _assert_forgotten(event.frame)
    # A client that starts from nothing and applies the whole log sees what a fetch shows:
    # the tombstone, and a reply quoting the tombstone.
    state: dict = {"members": {}, "threads": {}}
    for event in Event.objects.filter(space=people.space).order_by("seq"):
        apply_event(state, event.kind, event.payload)
    assert state["threads"] == fetch_state("rma")["threads"]
    reply = state["threads"][message.thread_id]["messages"][1]
    assert reply["reply_to"] == {"id": message.pk, "author": "Marc Membre", "excerpt": "",
                                 "deleted": True}


def test_a_digest_built_after_the_deletion_does_not_quote_it(people: People,
                                                            smtp_server: Mailbox) -> None:
    _said_then_deleted(people)
    send_weekly([people.facilitator.pk])

    text = text_of(smtp_server.wait_for(1)[0])
    assert "Coordonnées" in text  # the thread is still there, and new
    _assert_forgotten(text)


def test_the_digest_checks_the_message_itself_not_only_the_log(people: People,
                                                              smtp_server: Mailbox) -> None:
    # A message deleted by other means than delete_message (or before the log was rewritten
    # on deletion) keeps its words in thread.created: the digest still does not quote them.
    opened = start_thread(actor=people.member, space=people.space, title="Coordonnées",
                          body=FIRST_WORDS)
    Message.objects.filter(pk=opened.message.pk).update(deleted_at=timezone.now(), body="",
                                                        html="")
    send_weekly([people.facilitator.pk])

    text = text_of(smtp_server.wait_for(1)[0])
    assert "Coordonnées" in text
    _assert_forgotten(text)


def test_forgetting_costs_the_same_queries_for_one_event_or_many(people: People) -> None:
    def deletion_cost(replies: int) -> int:
        opened = start_thread(actor=people.member, space=people.space, title="Fil",
                              body=FIRST_WORDS)
        for n in range(replies):
            post_message(actor=people.other_member, thread=opened.thread, body=f"r{n}",
                         reply_to=opened.message.pk)
            edit_message(actor=people.member, message=opened.message, body=f"{EDITED_WORDS} {n}")
        return queries_of(lambda: delete_message(actor=people.member, message=opened.message))

    assert deletion_cost(1) == deletion_cost(12)


def test_messages_deleted_before_the_upgrade_are_forgotten_by_a_command(
        people: People) -> None:
    from io import StringIO

    from django.core.management import call_command

    opened = start_thread(actor=people.member, space=people.space, title="Coordonnées",
                          body=FIRST_WORDS)
    post_message(actor=people.other_member, thread=opened.thread, body="Bien reçu.",
                 reply_to=opened.message.pk)
    # Deleted the way the product did before deletions rewrote the log.
    Message.objects.filter(pk=opened.message.pk).update(deleted_at=timezone.now(), body="",
                                                        html="")
    out = StringIO()
    call_command("forget_deleted_messages", stdout=out)

    assert out.getvalue() == "2 événement(s) réécrit(s).\n"
    _assert_forgotten(str(list(Event.objects.values_list("payload", flat=True))))
    state: dict = {"members": {}, "threads": {}}
    for event in Event.objects.filter(space=people.space).order_by("seq"):
        apply_event(state, event.kind, event.payload)
    assert state["threads"] == fetch_state("rma")["threads"]
