"""The poll page as members read it: the agenda rendered (never its Markdown), every answer
cell labelled with its slot (for the stacked layout on a phone), and the facilitators'
"Sans réponse" list marked up for the live script to follow."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from meetings.models.polls import DatePoll
from meetings.services.polls import vote
from tests.clients import client_for
from tests.conftest import People
from tests.meetings.polls.conftest import slot_ids

pytestmark = pytest.mark.django_db


def test_the_page_reads_as_text_with_labelled_cells(people: People, poll: DatePoll) -> None:
    DatePoll.objects.filter(pk=poll.pk).update(agenda="**Bilan** et [suite](https://x.ca)")
    ids = slot_ids(poll)
    vote(actor=people.member, poll=poll, answers=dict.fromkeys(ids, "yes"))
    html = client_for(people.facilitator).get(
        reverse("poll", args=["rma", poll.pk])).content.decode()
    agenda = html.split('class="agenda prose">')[1].split("</div>")[0]
    assert "<strong>Bilan</strong>" in agenda and "**" not in agenda
    person = html.split(f'<tr data-person="{people.member.pk}">')[1].split("</tr>")[0]
    assert len(re.findall(r'<td class="answer answer-yes" data-label="[^"]+">', person)) == len(ids)
    unanswered = html.split("data-not-answered")[1].split("</ul>")[0]
    assert f'data-person="{people.other_member.pk}"' in unanswered
    assert f'data-person="{people.member.pk}"' not in unanswered
