"""Questions on the pages and the API: the checkbox of the new-thread form, the answer shown
first, marking from the thread, the refusal for others, the list of unanswered questions and
the "Réponse acceptée" mark in search results."""

from __future__ import annotations

from django.urls import reverse

from communities.models import Thread
from communities.services.discussion import post_message, start_thread
from communities.services.questions import mark_answer


def ask(people):
    posted = start_thread(actor=people.member, space=people.space, title="Abribus accessibles",
                          body="Quel modèle d'abribus avez-vous choisi ?", is_question=True)
    reply = post_message(actor=people.other_member, thread=posted.thread,
                         body="Le modèle à rampe intégrée, très apprécié.").message
    return posted.thread, reply


def test_the_new_thread_form_starts_a_question(people, web):
    answer = web.member.post(reverse("space", args=["rma"]),
                             {"title": "Une question", "body": "Qui sait ?",
                              "is_question": "on"})
    assert answer.status_code == 302
    assert Thread.objects.get(title="Une question").is_question


def test_the_api_starts_a_question(people, api):
    answer = api.member.post("/api/v1/spaces/rma/threads",
                             {"title": "Par l'API", "body": "Question ?", "is_question": True},
                             content_type="application/json")
    assert answer.status_code == 201 and answer.json()["thread"]["is_question"] is True


def test_the_asker_marks_the_answer_and_it_is_shown_first(people, web):
    thread, reply = ask(people)
    url = reverse("thread", args=["rma", thread.pk])
    page = web.member.get(url).content.decode()
    assert "Marquer comme réponse" in page
    assert web.member.post(reverse("thread-answer", args=["rma", thread.pk]),
                           {"message": reply.pk}).status_code == 302
    page = web.member.get(url).content.decode()
    assert page.index("Réponse acceptée") < page.index(f'id="message-{thread.messages.first().pk}"')
    assert "Retirer la marque de réponse" in page


def test_another_member_is_refused_in_french_and_nothing_changes(people, web):
    thread, reply = ask(people)
    page = web.other_member.get(reverse("thread", args=["rma", thread.pk])).content.decode()
    assert "Marquer comme réponse" not in page
    answer = web.other_member.post(reverse("thread-answer", args=["rma", thread.pk]),
                                   {"message": reply.pk})
    assert answer.status_code == 403
    assert "personne qui a posé la question" in answer.content.decode()
    thread.refresh_from_db()
    assert thread.answer_id is None


def test_the_api_marks_and_refuses(people, api):
    thread, reply = ask(people)
    refused = api.other_member.post(f"/api/v1/threads/{thread.pk}/answer",
                                    {"message": reply.pk}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    done = api.member.post(f"/api/v1/threads/{thread.pk}/answer", {"message": reply.pk},
                           content_type="application/json")
    assert done.status_code == 200 and done.json()["answer"] == reply.pk
    assert api.outsider.post(f"/api/v1/threads/{thread.pk}/answer", {"message": reply.pk},
                             content_type="application/json").status_code == 404


def test_unanswered_questions_are_listed_and_leave_once_answered(people, web):
    thread, reply = ask(people)
    url = reverse("questions", args=["rma"])
    assert "Abribus accessibles" in web.other_member.get(url).content.decode()
    side = web.facilitator.get(reverse("space", args=["rma"])).content.decode()
    assert "Questions sans réponse" in side and "Abribus accessibles" in side
    mark_answer(actor=people.member, thread=thread, message_id=reply.pk)
    assert "Abribus accessibles" not in web.other_member.get(url).content.decode()


def test_search_marks_the_accepted_answer(people, web, api):
    thread, reply = ask(people)
    mark_answer(actor=people.member, thread=thread, message_id=reply.pk)
    page = web.other_member.get(reverse("search") + "?q=rampe").content.decode()
    assert "Réponse acceptée" in page
    found = api.other_member.get("/api/v1/search?q=rampe").json()["results"]
    assert [r["accepted_answer"] for r in found] == [True]
