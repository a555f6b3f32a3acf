"""Editing recorded decisions and actions through the services: each change publishes its
event after commit with the keys of its schema, a change that changes nothing publishes
nothing, and bad input is refused in French with the record and the log untouched."""

from __future__ import annotations

import pytest

from communities.errors import ServiceError
from communities.models import Event
from decisions.models import ActionItem, ActionStatus, Decision
from decisions.services import records
from tests.conftest import People
from tests.decisions.helpers import an_action, held_meeting, in_days
from tests.events_helper import capture_events, verify_action

pytestmark = pytest.mark.django_db


def _decision(people: People) -> Decision:
    return records.record_decision(actor=people.facilitator, space=people.space,
                                   meeting=held_meeting(people),
                                   text="Adopter le plan d'action 2025", decided_on=in_days(-1))


def test_a_facilitator_edits_a_decisions_text_and_the_event_carries_it(people: People) -> None:
    decision = _decision(people)
    _result, events = verify_action(lambda: records.edit_decision(
        actor=people.facilitator, decision=decision, text="Adopter le plan d'action 2026",
        decided_on=decision.decided_on), kinds=["decision.edited"])
    payload = events[0].payload
    assert payload["decision"]["text"] == "Adopter le plan d'action 2026"
    assert payload["by"]["id"] == people.facilitator.pk
    assert events[0].space_id == people.space.pk
    assert Decision.objects.get().text == "Adopter le plan d'action 2026"


def test_a_decision_saved_unchanged_publishes_nothing(people: People) -> None:
    decision = _decision(people)
    stamp = Decision.objects.get().updated_at
    with capture_events() as events:
        records.edit_decision(actor=people.facilitator, decision=decision,
                              text="  Adopter le plan d'action 2025 ",
                              decided_on=decision.decided_on)
    assert [e.kind for e in events] == []
    assert Decision.objects.get().updated_at == stamp


def test_an_action_is_rewritten_reassigned_and_moved_in_one_event(people: People) -> None:
    action = an_action(people, held_meeting(people))
    _result, events = verify_action(lambda: records.update_action(
        actor=people.facilitator, action=action, what="Envoyer le gabarit révisé",
        assignee_ids=[people.other_member.pk], due_on=in_days(14)), kinds=["action.updated"])
    payload = events[0].payload
    assert payload["changes"] == ["what", "due_on", "assignees"]
    assert payload["assignee_ids"] == [people.other_member.pk]
    assert payload["action"]["what"] == "Envoyer le gabarit révisé"
    stored = ActionItem.objects.get()
    assert (stored.what, stored.due_on) == ("Envoyer le gabarit révisé", in_days(14))
    assert [u.pk for u in stored.assignees.all()] == [people.other_member.pk]


@pytest.mark.parametrize("who", ["member", "facilitator"])
def test_an_assignee_or_a_facilitator_marks_an_action_done_then_undone(people: People,
                                                                       who: str) -> None:
    action = an_action(people, held_meeting(people))  # assigned to the member
    actor = getattr(people, who)
    _r, done = verify_action(lambda: records.change_action_status(
        actor=actor, action=action, status=ActionStatus.DONE), kinds=["action.status_changed"])
    assert (done[0].payload["status"], done[0].payload["previous_status"]) == ("done", "todo")
    _r, undone = verify_action(lambda: records.change_action_status(
        actor=actor, action=action, status=ActionStatus.TODO), kinds=["action.status_changed"])
    assert (undone[0].payload["status"], undone[0].payload["previous_status"]) == (
        "todo", "done")
    assert ActionItem.objects.get().status == ActionStatus.TODO


@pytest.mark.parametrize(("change", "code", "words"), [
    ({"text": "   "}, "empty_text", "Écrivez la décision"),
    ({"text": "x" * 2001}, "text_too_long", "2000 caractères"),
    ({"text": "nul\x00"}, "invalid_text", "caractère"),
    ({"decided_on": in_days(3)}, "decided_in_future", "dans l'avenir"),
])
def test_a_bad_decision_edit_changes_nothing(people: People, change: dict[str, object],
                                             code: str, words: str) -> None:
    decision = _decision(people)
    before = Event.objects.count()
    arguments = {"text": decision.text, "decided_on": decision.decided_on, **change}
    with pytest.raises(ServiceError) as refused:
        records.edit_decision(actor=people.facilitator, decision=decision,
                              **arguments)  # type: ignore[arg-type]
    assert refused.value.code == code
    assert words in str(refused.value.message)
    assert Decision.objects.get().text == "Adopter le plan d'action 2025"
    assert Event.objects.count() == before


@pytest.mark.parametrize(("change", "code"), [
    ({"what": ""}, "empty_what"),
    ({"assignee_ids": []}, "no_assignee"),
    ({"due_on": in_days(-2)}, "due_in_past"),
    ({"status": "fini"}, "invalid_status"),
])
def test_a_bad_action_edit_changes_nothing(people: People, change: dict[str, object],
                                           code: str) -> None:
    action = an_action(people, held_meeting(people))
    before = Event.objects.count()
    with pytest.raises(ServiceError) as refused:
        if "status" in change:
            records.change_action_status(actor=people.facilitator, action=action,
                                         status=str(change["status"]))
        else:
            arguments = {"what": action.what, "assignee_ids": [people.member.pk],
                         "due_on": action.due_on, **change}
            records.update_action(actor=people.facilitator, action=action,
                                  **arguments)  # type: ignore[arg-type]
    assert refused.value.code == code
    stored = ActionItem.objects.get()
    assert (stored.what, stored.due_on, stored.status) == (
        "Envoyer le gabarit de politique", in_days(7), ActionStatus.TODO)
    assert [u.pk for u in stored.assignees.all()] == [people.member.pk]
    assert Event.objects.count() == before
