"""Editing decisions and actions from the pages: a form page of its own without JavaScript
(back where the person came from), the same form in place when htmx asks (the row comes back
once saved), done/undone in place, refusals in French that keep what was typed, and the same
access rules as the services (a stranger gets nothing, a member who may not gets the reason)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from communities.models import Event
from decisions.models import ActionItem, ActionStatus, Decision
from decisions.services import records
from tests.clients import client_for
from tests.conftest import People
from tests.decisions.helpers import an_action, held_meeting, in_days

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _recorded(people: People) -> tuple[Decision, ActionItem]:
    meeting = held_meeting(people)
    decision = records.record_decision(actor=people.facilitator, space=people.space,
                                       meeting=meeting, text="Adopter le plan 2025",
                                       decided_on=in_days(-1))
    return decision, an_action(people, meeting)


def _edit(kind: str, record_id: int) -> str:
    return reverse(f"decisions:edit-{kind}", args=["rma", record_id])


def test_the_register_offers_edit_and_done_to_those_who_may(people: People) -> None:
    decision, action = _recorded(people)
    register = reverse("decisions:register", args=["rma"])
    facilitator = client_for(people.facilitator).get(register).content.decode()
    assert f'href="{_edit("decision", decision.pk)}?next=' in facilitator
    assert f'href="{_edit("action", action.pk)}?next=' in facilitator
    assert "Marquer comme fait" in facilitator
    member = client_for(people.member).get(register).content.decode()  # the assignee
    assert "Marquer comme fait" in member
    assert _edit("decision", decision.pk) not in member
    assert _edit("action", action.pk) not in member
    other = client_for(people.other_member).get(register).content.decode()
    assert "Marquer comme fait" not in other


def test_without_javascript_a_decision_is_edited_on_its_page_and_back(people: People) -> None:
    decision, _action = _recorded(people)
    client = client_for(people.facilitator)
    back = reverse("decisions:register", args=["rma"]) + "?kind=decision"
    page = client.get(_edit("decision", decision.pk) + "?next=" + back.replace("?", "%3F")
                      .replace("=", "%3D"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Modifier la décision" in html and "Adopter le plan 2025</textarea>" in html
    done = client.post(_edit("decision", decision.pk), {
        "text": "Adopter le plan 2026", "decided_on": decision.decided_on.isoformat(),
        "next": back})
    assert done.status_code == 302 and done["Location"] == back
    assert Decision.objects.get().text == "Adopter le plan 2026"
    assert "La décision est modifiée." in client.get(back).content.decode()


def test_an_outside_next_is_not_followed(people: People) -> None:
    decision, _action = _recorded(people)
    done = client_for(people.facilitator).post(_edit("decision", decision.pk), {
        "text": "Adopter le plan 2026", "decided_on": decision.decided_on.isoformat(),
        "next": "https://ailleurs.example/"})
    assert done["Location"] == reverse("decisions:register", args=["rma"])


def test_a_bad_edit_is_said_in_french_and_keeps_what_was_typed(people: People) -> None:
    _decision, action = _recorded(people)
    before = Event.objects.count()
    answer = client_for(people.facilitator).post(_edit("action", action.pk), {
        "what": "Envoyer le gabarit révisé", "assignees": [people.other_member.pk],
        "due_on": in_days(-3).isoformat()})
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "déjà passée" in html
    assert 'value="Envoyer le gabarit révisé"' in html
    assert re.search(rf'<input[^>]*value="{people.other_member.pk}"[^>]*checked', html)
    stored = ActionItem.objects.get()
    assert stored.what == "Envoyer le gabarit de politique"
    assert Event.objects.count() == before


def test_a_date_that_is_no_date_is_said_in_french(people: People) -> None:
    decision, _action = _recorded(people)
    answer = client_for(people.facilitator).post(_edit("decision", decision.pk), {
        "text": "Adopter le plan 2026", "decided_on": "demain"}, headers=HTMX)
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Saisissez une date valide." in html
    assert "Adopter le plan 2026</textarea>" in html
    assert Decision.objects.get().text == "Adopter le plan 2025"


def test_in_place_the_form_replaces_the_row_and_saving_puts_the_row_back(
        people: People) -> None:
    _decision, action = _recorded(people)
    client = client_for(people.facilitator)
    form = client.get(_edit("action", action.pk), headers=HTMX).content.decode()
    assert form.lstrip().startswith("<li") and "record-edit" in form
    assert "<html" not in form
    row = client.post(_edit("action", action.pk), {
        "what": "Envoyer le gabarit révisé", "assignees": [people.other_member.pk],
        "due_on": in_days(9).isoformat()}, headers=HTMX)
    assert row.status_code == 200
    html = row.content.decode()
    assert f'id="action-{action.pk}"' in html and 'class="form record-edit"' not in html
    assert "Envoyer le gabarit révisé" in html and "Noémie Membre" in html
    assert "L&#x27;action est modifiée." in html
    cancel = client.get(reverse("decisions:action-row", args=["rma", action.pk]),
                        headers=HTMX).content.decode()
    assert "Envoyer le gabarit révisé" in cancel and 'class="form record-edit"' not in cancel


def test_done_and_undone_in_place(people: People) -> None:
    _decision, action = _recorded(people)
    client = client_for(people.member)  # the assignee
    status = reverse("decisions:action-status", args=["rma", action.pk])
    done = client.post(status, {"status": "done"}, headers=HTMX).content.decode()
    assert "Remettre à faire" in done and 'class="badge badge-done"' in done
    assert ActionItem.objects.get().status == ActionStatus.DONE
    undone = client.post(status, {"status": "todo"}, headers=HTMX).content.decode()
    assert "Marquer comme fait" in undone
    assert ActionItem.objects.get().status == ActionStatus.TODO
    refused = client_for(people.other_member).post(status, {"status": "done"}, headers=HTMX)
    assert refused.status_code == 403
    assert "responsables de ce suivi" in refused.content.decode()
    assert ActionItem.objects.get().status == ActionStatus.TODO


def test_a_member_who_may_not_edit_is_told_why(people: People) -> None:
    decision, action = _recorded(people)
    client = client_for(people.member)
    for kind, record in (("decision", decision), ("action", action)):
        page = client.get(_edit(kind, record.pk))
        assert page.status_code == 403
        assert "animent l&#x27;espace peuvent le modifier" in page.content.decode()
        sent = client.post(_edit(kind, record.pk), {"text": "x", "what": "x",
                                                    "decided_on": "2020-01-01",
                                                    "due_on": "2030-01-01"})
        assert sent.status_code == 403
    assert Decision.objects.get().text == "Adopter le plan 2025"


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_strangers_get_nothing(people: People, who: str) -> None:
    decision, action = _recorded(people)
    client = client_for(None if who == "anonymous" else people.outsider)
    for url in (_edit("decision", decision.pk), _edit("action", action.pk),
                reverse("decisions:decision-row", args=["rma", decision.pk])):
        answer = client.get(url)
        assert answer.status_code in (302, 404)
        assert "Adopter le plan 2025" not in answer.content.decode()
    assert client.post(_edit("decision", decision.pk), {
        "text": "Volé", "decided_on": in_days(0).isoformat()}).status_code in (302, 404)
    assert Decision.objects.get().text == "Adopter le plan 2025"


def test_a_record_of_another_space_is_not_found(people: People) -> None:
    from communities.models import Membership, Space

    decision, _action = _recorded(people)
    elsewhere = Space.objects.create(slug="ailleurs", name="Ailleurs")
    Membership.objects.create(space=elsewhere, user=people.facilitator, role="facilitator")
    answer = client_for(people.facilitator).get(
        reverse("decisions:edit-decision", args=["ailleurs", decision.pk]))
    assert answer.status_code == 404


def test_the_meeting_and_thread_sections_link_to_the_edit_pages(people: People) -> None:
    from tests.decisions.helpers import a_thread

    decision, action = _recorded(people)
    meeting_page = reverse("meeting", args=["rma", decision.meeting_id])
    shown = client_for(people.facilitator).get(meeting_page).content.decode()
    back = "?next=" + meeting_page + "%23decisions"
    assert _edit("decision", decision.pk) + back in shown
    assert _edit("action", action.pk) + back in shown
    assert _edit("decision", decision.pk) not in client_for(people.member).get(
        meeting_page).content.decode()
    thread = a_thread(people)
    mine = records.record_decision(actor=people.member, space=people.space, thread=thread,
                                   text="On garde le jeudi", decided_on=in_days(0))
    thread_page = reverse("thread", args=["rma", thread.pk])
    assert _edit("decision", mine.pk) in client_for(people.member).get(
        thread_page).content.decode()
    assert _edit("decision", mine.pk) not in client_for(people.other_member).get(
        thread_page).content.decode()
