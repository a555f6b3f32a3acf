"""Questions: started as such, one reply marked as the answer by the asker or a facilitator
(changed, unmarked), refused for anyone else with nothing changed; question.answered is
checked against a client's state."""

from __future__ import annotations

import pytest

from communities.errors import Forbidden, NotFound, ServiceError
from communities.models import Thread
from communities.selectors import unanswered_questions
from communities.services.discussion import post_message, start_thread
from communities.services.questions import mark_answer
from tests.events_helper import verify_action


@pytest.fixture
def question(people):
    posted = start_thread(actor=people.member, space=people.space,
                          title="Déneigement des trottoirs",
                          body="Comment gérez-vous les trottoirs l'hiver ?", is_question=True)
    first = post_message(actor=people.other_member, thread=posted.thread,
                         body="Nous avons un contrat saisonnier.").message
    second = post_message(actor=people.facilitator, thread=posted.thread,
                          body="Voyez la politique de Laval, page 4.").message
    return posted.thread, first, second


def client_view(thread: Thread) -> dict:
    thread.refresh_from_db()
    return {"answer": thread.answer_id}


def test_a_thread_started_as_a_question_says_so_in_its_event(people):
    _, events = verify_action(
        lambda: start_thread(actor=people.member, space=people.space, title="Une question",
                             body="Qui sait ?", is_question=True),
        kinds=["thread.created"])
    assert events[0].payload["thread"]["is_question"] is True
    assert events[0].payload["thread"]["answer"] is None


def test_the_asker_marks_changes_and_unmarks_the_answer(people, question):
    thread, first, second = question
    state = client_view(thread)
    for chosen in (first.pk, second.pk, None):
        _, events = verify_action(
            lambda chosen=chosen: mark_answer(actor=people.member, thread=thread,  # type: ignore[misc]
                                              message_id=chosen),
            kinds=["question.answered"])
        state["answer"] = events[0].payload["message"]
        assert state == client_view(thread)
        assert events[0].payload["by"]["id"] == people.member.pk
    assert thread.answered_at is None


def test_a_facilitator_may_mark_it_too(people, question):
    thread, first, _ = question
    mark_answer(actor=people.facilitator, thread=thread, message_id=first.pk)
    thread.refresh_from_db()
    assert thread.answer_id == first.pk and thread.answered_at is not None


def test_another_member_may_not_and_nothing_changes(people, question):
    thread, first, _ = question
    with pytest.raises(Forbidden) as refusal:
        mark_answer(actor=people.other_member, thread=thread, message_id=first.pk)
    assert "personne qui a posé la question" in str(refusal.value)
    thread.refresh_from_db()
    assert thread.answer_id is None


def test_an_outsider_is_refused(people, question):
    thread, first, _ = question
    with pytest.raises(Forbidden):
        mark_answer(actor=people.outsider, thread=thread, message_id=first.pk)


def test_the_answer_must_be_a_reply_of_this_thread(people, question):
    thread, _, _ = question
    elsewhere = start_thread(actor=people.member, space=people.space, title="Autre",
                             body="Autre chose").message
    with pytest.raises(NotFound):
        mark_answer(actor=people.member, thread=thread, message_id=elsewhere.pk)
    with pytest.raises(ServiceError) as refusal:
        mark_answer(actor=people.member, thread=thread,
                    message_id=thread.messages.order_by("pk").first().pk)
    assert refusal.value.code == "answer_is_question"


def test_an_ordinary_thread_has_no_answer(people):
    posted = start_thread(actor=people.member, space=people.space, title="Nouvelles",
                          body="Bonjour")
    reply = post_message(actor=people.other_member, thread=posted.thread, body="Salut").message
    with pytest.raises(ServiceError) as refusal:
        mark_answer(actor=people.member, thread=posted.thread, message_id=reply.pk)
    assert refusal.value.code == "not_a_question"


def test_unanswered_questions_oldest_first(people, question):
    thread, first, _ = question
    later = start_thread(actor=people.other_member, space=people.space, title="Plus tard",
                         body="Une autre question ?", is_question=True).thread
    assert list(unanswered_questions(people.space)) == [thread, later]
    mark_answer(actor=people.member, thread=thread, message_id=first.pk)
    assert list(unanswered_questions(people.space)) == [later]
