"""Recording decisions and actions: who may, from which source, and the events each change
publishes (with their schemas)."""

from __future__ import annotations

import pytest

from communities.errors import Forbidden, NotFound, ServiceError
from communities.models import Event, Membership
from decisions.models import ActionItem, ActionStatus, Decision
from decisions.services import records
from tests.conftest import People
from tests.decisions.helpers import a_thread, an_action, held_meeting, in_days
from tests.events_helper import verify_action

pytestmark = pytest.mark.django_db


def test_a_facilitator_records_a_decision_from_a_meeting(people: People) -> None:
    meeting = held_meeting(people)
    _decision, events = verify_action(lambda: records.record_decision(
        actor=people.facilitator, space=people.space, meeting=meeting,
        text="Adopter le plan d'action 2025", decided_on=in_days(0)),
        kinds=["decision.recorded"])
    payload = events[0].payload["decision"]
    assert payload["text"] == "Adopter le plan d'action 2025"
    assert payload["source"] == {"kind": "meeting", "id": meeting.pk,
                                 "url": f"/espaces/rma/rencontres/{meeting.pk}/"}
    assert events[0].space_id == people.space.pk
    assert Decision.objects.get().meeting == meeting


def test_a_member_records_from_a_thread_but_not_from_a_meeting(people: People) -> None:
    thread = a_thread(people)
    records.record_decision(actor=people.other_member, space=people.space, thread=thread,
                            text="On garde le jeudi", decided_on=in_days(-1))
    with pytest.raises(Forbidden):
        records.record_decision(actor=people.member, space=people.space,
                                meeting=held_meeting(people), text="x", decided_on=in_days(0))
    assert Decision.objects.count() == 1


def test_an_outsider_records_nothing(people: People) -> None:
    thread = a_thread(people)
    with pytest.raises(Forbidden):
        records.record_decision(actor=people.outsider, space=people.space, thread=thread,
                                text="x", decided_on=in_days(0))
    with pytest.raises(Forbidden):
        records.create_action(actor=people.outsider, space=people.space, thread=thread,
                              what="x", assignee_ids=[people.member.pk], due_on=in_days(3))


def test_a_source_from_another_space_is_not_found(people: People) -> None:
    from communities.models import Space

    elsewhere = Space.objects.create(slug="ailleurs", name="Ailleurs")
    Membership.objects.create(space=elsewhere, user=people.facilitator, role="facilitator")
    thread = a_thread(people)
    with pytest.raises(NotFound):
        records.record_decision(actor=people.facilitator, space=elsewhere, thread=thread,
                                text="x", decided_on=in_days(0))


def test_creating_an_action_carries_its_assignees(people: People) -> None:
    meeting = held_meeting(people)
    action, events = verify_action(lambda: an_action(
        people, meeting, assignee_ids=[people.member.pk, people.other_member.pk]),
        kinds=["action.created"])
    assert events[0].payload["assignee_ids"] == sorted([people.member.pk,
                                                        people.other_member.pk])
    assert [p["id"] for p in events[0].payload["action"]["assignees"]] == sorted(
        [people.member.pk, people.other_member.pk])
    assert action.status == ActionStatus.TODO


def test_an_assignee_changes_the_status_and_another_member_may_not(people: People) -> None:
    action = an_action(people, held_meeting(people))
    _result, events = verify_action(lambda: records.change_action_status(
        actor=people.member, action=action, status=ActionStatus.DOING),
        kinds=["action.status_changed"])
    assert (events[0].payload["status"], events[0].payload["previous_status"]) == (
        "doing", "todo")
    with pytest.raises(Forbidden):
        records.change_action_status(actor=people.other_member, action=action,
                                     status=ActionStatus.DONE)
    records.change_action_status(actor=people.facilitator, action=action,
                                 status=ActionStatus.DONE)
    assert ActionItem.objects.get().status == ActionStatus.DONE


def test_editing_and_deleting(people: People) -> None:
    thread = a_thread(people)
    decision = records.record_decision(actor=people.member, space=people.space, thread=thread,
                                       text="Première version", decided_on=in_days(0))
    verify_action(lambda: records.edit_decision(actor=people.member, decision=decision,
                                                text="Version corrigée",
                                                decided_on=in_days(-2)),
                  kinds=["decision.edited"])
    with pytest.raises(Forbidden):
        records.edit_decision(actor=people.other_member, decision=decision, text="Non",
                              decided_on=in_days(0))
    with pytest.raises(Forbidden):
        records.delete_decision(actor=people.member, decision=decision)
    verify_action(lambda: records.delete_decision(actor=people.facilitator, decision=decision),
                  kinds=["decision.deleted"])

    action = an_action(people, thread)
    verify_action(lambda: records.update_action(
        actor=people.member, action=action, what="Envoyer le gabarit révisé",
        assignee_ids=[people.other_member.pk], due_on=in_days(10)),
        kinds=["action.updated"])
    action.refresh_from_db()
    assert [u.pk for u in action.assignees.all()] == [people.other_member.pk]
    _r, events = verify_action(lambda: records.delete_action(actor=people.facilitator,
                                                             action=action),
                               kinds=["action.deleted"])
    assert events[0].payload["assignee_ids"] == [people.other_member.pk]
    assert not ActionItem.objects.exists()


# --- bad input: refused in French, nothing written, no event --------------------------------
@pytest.mark.parametrize(("overrides", "code", "words"), [
    ({"assignee_ids": []}, "no_assignee", "au moins une personne"),
    ({"what": "   "}, "empty_what", "Écrivez ce qu'il faut faire"),
    ({"what": "x" * 501}, "what_too_long", "500 caractères"),
    ({"due_on": in_days(-1)}, "due_in_past", "déjà passée"),
    ({"due_on": in_days(2 * 365 + 1)}, "due_too_far", "plus de deux ans"),
    ({"what": "nul\x00"}, "invalid_text", "caractère"),
])
def test_bad_actions_are_refused_and_nothing_changes(people: People, overrides: dict[str, object],
                                                     code: str, words: str) -> None:
    meeting = held_meeting(people)
    before = Event.objects.count()
    with pytest.raises(ServiceError) as refused:
        an_action(people, meeting, **overrides)
    assert refused.value.code == code
    assert words in str(refused.value.message)
    assert not ActionItem.objects.exists()
    assert Event.objects.count() == before


@pytest.mark.parametrize("who", ["outsider", "staff", "removed", "unknown"])
def test_an_action_for_anyone_but_a_member_is_refused(people: People, who: str) -> None:
    meeting = held_meeting(people)
    if who == "removed":
        Membership.objects.filter(user=people.other_member).delete()
        target = people.other_member.pk
    elif who == "unknown":
        target = 2**70  # no row can have it
    else:
        target = getattr(people, who).pk
    before = Event.objects.count()
    with pytest.raises(ServiceError) as refused:
        an_action(people, meeting, assignee_ids=[people.member.pk, target])
    assert refused.value.code == "assignee_not_member"
    assert "membres de l'espace" in str(refused.value.message)
    assert not ActionItem.objects.exists()
    assert Event.objects.count() == before


@pytest.mark.parametrize(("text", "code"), [("", "empty_text"), ("x" * 2001, "text_too_long")])
def test_bad_decisions_are_refused(people: People, text: str, code: str) -> None:
    with pytest.raises(ServiceError) as refused:
        records.record_decision(actor=people.facilitator, space=people.space,
                                meeting=held_meeting(people), text=text,
                                decided_on=in_days(0))
    assert refused.value.code == code
    assert not Decision.objects.exists()


def test_a_decision_dated_in_the_future_is_refused(people: People) -> None:
    with pytest.raises(ServiceError, match="avenir"):
        records.record_decision(actor=people.facilitator, space=people.space,
                                meeting=held_meeting(people), text="Plus tard",
                                decided_on=in_days(1))


def test_a_cancelled_meeting_takes_no_decision(people: People) -> None:
    from meetings.services.scheduling import cancel_meeting
    from tests.meetings.conftest import schedule

    meeting = schedule(people)
    cancel_meeting(actor=people.facilitator, meeting=meeting)
    with pytest.raises(ServiceError, match="annulée"):
        records.record_decision(actor=people.facilitator, space=people.space, meeting=meeting,
                                text="x", decided_on=in_days(0))
