"""The decisions pages without JavaScript: the section on meeting and thread pages, the
register with its filters, the CSV, and refusals that keep what was typed."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from communities.models import Event
from decisions.models import ActionItem, ActionStatus, Decision
from decisions.services import records
from tests.clients import client_for
from tests.conftest import People
from tests.decisions.helpers import a_thread, an_action, held_meeting, in_days

pytestmark = pytest.mark.django_db


def test_a_facilitator_records_a_decision_and_two_actions_from_a_meeting(
        people: People) -> None:
    meeting = held_meeting(people)
    page = reverse("meeting", args=["rma", meeting.pk])
    client = client_for(people.facilitator)
    shown = client.get(page).content.decode()
    assert "Décisions et suivis" in shown
    assert "Consigner une décision" in shown
    done = client.post(reverse("decisions:record-decision", args=["rma"]), {
        "meeting": meeting.pk, "text": "Tenir la prochaine rencontre à Trois-Rivières",
        "decided_on": in_days(0).isoformat()})
    assert done.status_code == 302
    assert done["Location"] == f"{page}#decisions"
    for what, who in (("Réserver la salle", people.member),
                      ("Écrire l'invitation", people.other_member)):
        added = client.post(reverse("decisions:create-action", args=["rma"]), {
            "meeting": meeting.pk, "what": what, "assignees": [who.pk],
            "due_on": in_days(14).isoformat()})
        assert added.status_code == 302, added.content.decode()
    after = client.get(page).content.decode()
    assert "Tenir la prochaine rencontre à Trois-Rivières" in after
    assert "Réserver la salle" in after and "Écrire l&#x27;invitation" in after
    assert ActionItem.objects.filter(meeting=meeting).count() == 2


def test_a_refused_action_keeps_what_was_typed(people: People) -> None:
    meeting = held_meeting(people)
    before = Event.objects.count()
    answer = client_for(people.facilitator).post(
        reverse("decisions:create-action", args=["rma"]),
        {"meeting": meeting.pk, "what": "Préparer le bilan", "assignees": [people.outsider.pk],
         "due_on": in_days(-3).isoformat()})
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "déjà passée" in text
    assert 'value="Préparer le bilan"' in text
    stranger = client_for(people.facilitator).post(
        reverse("decisions:create-action", args=["rma"]),
        {"meeting": meeting.pk, "what": "Préparer le bilan", "assignees": [people.outsider.pk],
         "due_on": in_days(3).isoformat()})
    assert stranger.status_code == 400
    assert "membres de l&#x27;espace" in stranger.content.decode()
    assert not ActionItem.objects.exists()
    assert Event.objects.count() == before


def test_a_refused_date_is_said_in_french_and_the_text_kept(people: People) -> None:
    meeting = held_meeting(people)
    answer = client_for(people.facilitator).post(
        reverse("decisions:create-action", args=["rma"]),
        {"meeting": meeting.pk, "what": "Préparer le bilan", "assignees": [people.member.pk],
         "due_on": in_days(900).isoformat()})
    assert answer.status_code == 400
    assert "plus de deux ans" in answer.content.decode()
    garbled = client_for(people.facilitator).post(
        reverse("decisions:record-decision", args=["rma"]),
        {"meeting": meeting.pk, "text": "Texte gardé", "decided_on": "2025-13-45"})
    assert garbled.status_code == 400
    assert "Texte gardé" in garbled.content.decode()
    assert "date valide" in garbled.content.decode()


def test_a_member_records_from_a_thread_but_sees_no_form_on_a_meeting(people: People) -> None:
    thread = a_thread(people)
    client = client_for(people.other_member)
    assert "Consigner une décision" in client.get(
        reverse("thread", args=["rma", thread.pk])).content.decode()
    done = client.post(reverse("decisions:record-decision", args=["rma"]), {
        "thread": thread.pk, "text": "On partage nos politiques ici",
        "decided_on": in_days(0).isoformat()})
    assert done.status_code == 302
    meeting = held_meeting(people)
    assert "Consigner une décision" not in client.get(
        reverse("meeting", args=["rma", meeting.pk])).content.decode()
    refused = client.post(reverse("decisions:record-decision", args=["rma"]), {
        "meeting": meeting.pk, "text": "x", "decided_on": in_days(0).isoformat()})
    assert refused.status_code == 403
    assert Decision.objects.count() == 1


def test_outsiders_get_not_found(people: People) -> None:
    thread = a_thread(people)
    client = client_for(people.outsider)
    assert client.get(reverse("decisions:register", args=["rma"])).status_code == 404
    assert client.get(reverse("decisions:export", args=["rma"])).status_code == 404
    assert client.post(reverse("decisions:record-decision", args=["rma"]), {
        "thread": thread.pk, "text": "x", "decided_on": in_days(0).isoformat()}
    ).status_code == 404


def register_rows(people: People) -> tuple[ActionItem, ActionItem]:
    meeting = held_meeting(people)
    thread = a_thread(people)
    records.record_decision(actor=people.facilitator, space=people.space, meeting=meeting,
                            text="Adopter le plan", decided_on=in_days(-1))
    late = an_action(people, meeting, what="Action en retard", due_on=in_days(1))
    ActionItem.objects.filter(pk=late.pk).update(due_on=in_days(-2))
    other = an_action(people, thread, what="Action de Noémie",
                      assignee_ids=[people.other_member.pk], due_on=in_days(5))
    return late, other


def test_the_register_lists_both_and_links_back_to_sources(people: People) -> None:
    late, other = register_rows(people)
    text = client_for(people.member).get(reverse("decisions:register", args=["rma"])
                                         ).content.decode()
    assert "Adopter le plan" in text
    assert reverse("meeting", args=["rma", late.meeting_id]) in text
    assert reverse("thread", args=["rma", other.thread_id]) in text
    assert "En retard" in text


@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ("kind=decision", ["Adopter le plan"], ["Action en retard", "Action de Noémie"]),
    ("kind=action", ["Action en retard", "Action de Noémie"], ["Adopter le plan"]),
    ("overdue=on", ["Action en retard"], ["Action de Noémie", "Adopter le plan"]),
    ("status=done", [], ["Action en retard", "Action de Noémie"]),
])
def test_the_register_filters(people: People, query: str, shown: list[str],
                              hidden: list[str]) -> None:
    register_rows(people)
    text = client_for(people.member).get(
        reverse("decisions:register", args=["rma"]) + "?" + query).content.decode()
    for words in shown:
        assert words in text
    for words in hidden:
        assert words not in text


def test_the_register_filters_by_assignee(people: People) -> None:
    register_rows(people)
    text = client_for(people.member).get(
        reverse("decisions:register", args=["rma"]) + f"?assignee={people.other_member.pk}"
    ).content.decode()
    assert "Action de Noémie" in text and "Action en retard" not in text


def test_a_bad_filter_is_said_not_a_500(people: People) -> None:
    answer = client_for(people.member).get(reverse("decisions:register", args=["rma"])
                                           + "?assignee=abc&status=nope")
    assert answer.status_code == 400
    assert "Certains filtres sont à corriger" in answer.content.decode()


def test_an_assignee_changes_the_status_from_the_register(people: People) -> None:
    late, _other = register_rows(people)
    register = reverse("decisions:register", args=["rma"])
    done = client_for(people.member).post(
        reverse("decisions:action-status", args=["rma", late.pk]),
        {"status": "done", "next": register})
    assert done.status_code == 302 and done["Location"] == register
    late.refresh_from_db()
    assert late.status == ActionStatus.DONE
    client_for(people.other_member).post(
        reverse("decisions:action-status", args=["rma", late.pk]), {"status": "todo"})
    late.refresh_from_db()
    assert late.status == ActionStatus.DONE  # not hers


def test_the_csv_defuses_formulas(people: People) -> None:
    meeting = held_meeting(people)
    records.record_decision(actor=people.facilitator, space=people.space, meeting=meeting,
                            text="=HYPERLINK(\"http://x\")", decided_on=in_days(0))
    an_action(people, meeting, what="@SUM(1+1)")
    answer = client_for(people.member).get(reverse("decisions:export", args=["rma"]))
    assert answer["Content-Type"].startswith("text/csv")
    body = answer.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[0][:3] == ["Type", "Date", "Texte"]
    texts = {row[2] for row in rows[1:]}
    assert texts == {"'=HYPERLINK(\"http://x\")", "'@SUM(1+1)"}
