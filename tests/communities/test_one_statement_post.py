"""A plain post (nothing attached, no one named) is written by one statement on PostgreSQL,
its own transaction: the stream's locks are never held across a round trip. What it writes
must be exactly what the transactional path writes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.errors import Forbidden
from communities.events import emit_in_one_statement
from communities.models import Event, Message, Space, Thread, User
from communities.serializers import message_data
from communities.services.discussion import post_message, start_thread
from communities.services.moderation import lock_thread
from communities.statements import insert_select
from tests.events_helper import capture_events

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def thread(people, uses_postgres) -> Thread:
    return start_thread(actor=people.member, space=people.space, title="Bancs",
                        body="Qui a un guide ?").thread


def test_a_plain_post_outside_a_transaction_is_one_statement_and_is_published_at_once(
        people, thread):
    with capture_events() as published, CaptureQueriesContext(connection) as queries:
        posted = post_message(actor=people.other_member, thread=thread, body="Moi **aussi**",
                              client_id="c-1")
    sql = [q["sql"] for q in queries.captured_queries]
    written = next(i for i, text in enumerate(sql) if text.startswith("WITH lead(value)"))
    # Reads before it, no transaction around it; what follows is the inbox reacting after.
    assert all(text.startswith("SELECT") for text in sql[:written]), sql[:written]
    assert not any("communities_message" in text and "INSERT" in text
                   for text in sql[written + 1:])
    assert not connection.in_atomic_block
    event = next(e for e in published if e.kind == "message.created")
    stored = Event.objects.get(pk=event.pk)
    message = Message.objects.select_related("author", "thread__space").get(pk=posted.message.pk)
    # Filled in by the statement: the message's id and the thread's new count.
    assert stored.payload == event.payload
    assert stored.payload["message"] == message_data(message, with_reactions=False)
    assert stored.payload["thread"]["message_count"] == 2
    assert stored.seq == message.created_seq == posted.seq == event.seq
    assert stored.space_id == people.space.pk and stored.actor_id == people.other_member.pk
    assert message.client_id == "c-1" and message.html == "<p>Moi <strong>aussi</strong></p>"
    assert Thread.objects.get(pk=thread.pk).message_count == 2
    assert Space.objects.get(pk=people.space.pk).event_head == posted.seq


def test_a_reply_carries_its_quote_like_the_transactional_path(people, thread):
    first = post_message(actor=people.other_member, thread=thread, body="Premier").message
    with capture_events() as published:
        post_message(actor=people.member, thread=thread, body="Réponse", reply_to=first.pk)
    event = next(e for e in published if e.kind == "message.created")
    assert event.payload["message"]["reply_to"]["id"] == first.pk
    assert Event.objects.get(pk=event.pk).payload == event.payload


def test_a_locked_thread_refuses_the_post_and_writes_nothing(people, thread):
    lock_thread(actor=people.facilitator, thread=thread, locked=True)
    head = Space.objects.get(pk=people.space.pk).event_head
    messages = Message.objects.count()
    with pytest.raises(Forbidden) as refused:
        post_message(actor=people.member, thread=thread, body="Encore ?")
    assert refused.value.code == "thread_locked"
    assert Space.objects.get(pk=people.space.pk).event_head == head
    assert Message.objects.count() == messages
    assert Thread.objects.get(pk=thread.pk).message_count == 1


def test_a_post_naming_someone_still_writes_its_mention_in_the_same_transaction(people,
                                                                              thread):
    name = people.other_member.display_name
    with capture_events() as published, CaptureQueriesContext(connection) as queries:
        post_message(actor=people.member, thread=thread, body=f"Merci @**{name}**")
    assert not any(q["sql"].startswith("WITH lead(value)") for q in queries.captured_queries)
    kinds = [e.kind for e in published]
    assert "message.created" in kinds and "mention.created" in kinds


def test_the_same_client_id_twice_answers_with_the_original(people, thread):
    first = post_message(actor=people.member, thread=thread, body="Une fois", client_id="k")
    again = post_message(actor=people.member, thread=thread, body="Une fois", client_id="k")
    assert again.created is False and again.message.pk == first.message.pk
    assert Message.objects.filter(client_id="k").count() == 1


def test_a_personal_kind_or_a_missing_key_is_refused_before_anything_is_written(people,
                                                                               thread):
    message = Message(thread=thread, author=people.member, body="x", html="<p>x</p>")
    head = Space.objects.get(pk=people.space.pk).event_head
    for kind, data in (("read.updated", {"space": "s", "thread": 1, "last_read_message": 1,
                                         "unread": 0}),
                       ("message.created", {"message": {}})):
        with pytest.raises(ValueError):
            emit_in_one_statement(kind=kind, actor=people.member, space=people.space,
                                  data=data, lead_sql="SELECT 1", lead_params=[], row=message,
                                  seq_field="created_seq", fills={})
    assert Space.objects.get(pk=people.space.pk).event_head == head


def test_insert_select_refuses_what_one_insert_cannot_write(people):
    class Child(User):
        class Meta:
            app_label = "communities"
            managed = False

    with pytest.raises(ValueError, match="one plain INSERT"):
        insert_select(Child(), {})
    with pytest.raises(ValueError, match="no column"):
        insert_select(Message(author=people.member), {"nowhere": ("1", ())})
