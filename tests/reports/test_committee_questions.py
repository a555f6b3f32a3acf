"""The activity report knows committees and questions: a committee's meetings and messages
count under its space (its meetings marked as committee meetings), never in a row of its own;
questions asked, answered, and the median times to the first reply and to the accepted answer
come from the event log, on the page and in the CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from communities.models import Event, Space
from communities.services.committees import create_committee
from communities.services.discussion import post_message, start_thread
from communities.services.questions import mark_answer
from meetings.models import MeetingMode
from meetings.services.scheduling import record_held_meeting
from reports.export import HEADERS
from reports.figures import activity_report
from reports.periods import current_fiscal_year
from tests.clients import client_for


def _shift(thread_id: int, kind: str, hours: float) -> None:
    """Date the events of a thread as if they had happened ``hours`` after it opened."""
    opened = Event.objects.get(kind="thread.created", payload__thread__id=thread_id).created_at
    if kind == "question.answered":
        found = Event.objects.filter(kind=kind, payload__thread=thread_id)
    else:
        found = Event.objects.filter(kind=kind, payload__thread__id=thread_id)
    found.update(created_at=opened + timedelta(hours=hours))


def test_committee_meetings_count_under_the_space_and_are_marked(people):
    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité de planification", members=[people.member.pk])
    now = timezone.now()
    record_held_meeting(actor=people.facilitator, space=committee, title="Préparation",
                        starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=2),
                        mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1")
    record_held_meeting(actor=people.facilitator, space=people.space, title="Rencontre",
                        starts_at=now - timedelta(hours=5), ends_at=now - timedelta(hours=4),
                        mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/2")
    start_thread(actor=people.member, space=committee, title="Ordre du jour", body="Jet")
    report = activity_report(spaces=[people.space], period=current_fiscal_year())
    row = report.by_space[people.space.pk]
    assert row.meetings.held == 2 and row.meetings.committee_held == 1
    assert row.threads == 1 and row.messages == 1
    assert row.active_members == 1  # Marc, who posted in the committee only
    assert committee.pk not in report.by_space

    page = client_for(people.staff).get(reverse("all-spaces-report")).content.decode()
    assert "Dont 1 rencontre de comité." in page
    assert reverse("space-report", args=[committee.slug]) not in page
    assert Space.objects.filter(parent__isnull=False).count() == 1


def test_question_times_come_from_the_event_log(people):
    quick = start_thread(actor=people.member, space=people.space, title="Rapide",
                         body="Vite ?", is_question=True).thread
    reply = post_message(actor=people.other_member, thread=quick, body="Voici.").message
    mark_answer(actor=people.member, thread=quick, message_id=reply.pk)
    _shift(quick.pk, "message.created", 2)
    _shift(quick.pk, "question.answered", 5)
    slow = start_thread(actor=people.member, space=people.space, title="Lente",
                        body="Qui sait ?", is_question=True).thread
    post_message(actor=people.facilitator, thread=slow, body="Bonne question.")
    _shift(slow.pk, "message.created", 10)
    start_thread(actor=people.member, space=people.space, title="Sans réponse",
                 body="Personne ?", is_question=True)
    start_thread(actor=people.member, space=people.space, title="Pas une question",
                 body="Nouvelles")

    questions = activity_report(spaces=[people.space],
                                period=current_fiscal_year()).by_space[people.space.pk].questions
    assert (questions.asked, questions.replied, questions.answered) == (3, 2, 1)
    assert questions.median_first_reply_hours == 6.0  # median of 2 h and 10 h
    assert questions.median_answer_hours == 5.0

    answer = client_for(people.facilitator).get(reverse("space-report-csv", args=["rma"]))
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADERS
    named = dict(zip(rows[0], rows[1], strict=True))
    assert named["Questions posées"] == "3"
    assert named["Questions avec réponse acceptée"] == "1"
    assert named["Délai médian avant la première réponse (heures)"] == "6,0"
    assert named["Délai médian avant la réponse acceptée (heures)"] == "5,0"
    page = client_for(people.facilitator).get(reverse("space-report", args=["rma"]))
    assert "Délai médian avant la réponse acceptée" in page.content.decode()
