from __future__ import annotations

import pytest

from communities.errors import Forbidden, ServiceError
from communities.models import Event, Message
from communities.services.discussion import MAX_BODY_CHARS, post_message, start_thread
from tests.events_helper import verify_action


def test_a_member_starts_a_thread_and_everyone_is_told(people):
    posted, events = verify_action(
        lambda: start_thread(actor=people.member, space=people.space, title="Bancs publics",
                             body="Qui a un **guide** ?"),
        kinds=["thread.created"],
    )
    assert events[0].seq == posted.seq == people.space.event_head
    assert events[0].payload["message"]["html"] == "<p>Qui a un <strong>guide</strong> ?</p>"
    assert events[0].payload["thread"]["title"] == "Bancs publics"


def test_a_reply_carries_the_same_message_object_as_the_api(people):
    thread = start_thread(actor=people.member, space=people.space, title="T", body="a").thread
    posted, events = verify_action(
        lambda: post_message(actor=people.facilitator, thread=thread, body="b"),
        kinds=["message.created"],
    )
    message = events[0].payload["message"]
    assert message["id"] == posted.message.pk
    assert message["author"]["display_name"] == "Florence Animatrice"
    assert "email" not in message["author"]
    assert events[0].payload["thread"]["message_count"] == 2


def test_an_outsider_cannot_post_and_nothing_is_written(people):
    with pytest.raises(Forbidden):
        start_thread(actor=people.outsider, space=people.space, title="T", body="x")
    assert Event.objects.count() == 0


def test_a_too_long_message_is_refused_with_a_french_reason(people):
    thread = start_thread(actor=people.member, space=people.space, title="T", body="a").thread
    with pytest.raises(ServiceError) as refusal:
        post_message(actor=people.member, thread=thread, body="x" * (MAX_BODY_CHARS + 1))
    assert "dépasse" in str(refusal.value)
    assert Message.objects.count() == 1


def test_retrying_with_the_same_client_id_returns_the_original(people):
    thread = start_thread(actor=people.member, space=people.space, title="T", body="a").thread
    first = post_message(actor=people.member, thread=thread, body="b", client_id="c-1")
    again = post_message(actor=people.member, thread=thread, body="b", client_id="c-1")
    assert (first.created, again.created) == (True, False)
    assert again.message.pk == first.message.pk and again.seq == first.seq
    assert Message.objects.filter(client_id="c-1").count() == 1
    assert Event.objects.filter(kind="message.created").count() == 1
