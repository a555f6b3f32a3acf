"""Who may edit what (decisions/access.py), asked through the services: a record's author and
those who run the space (facilitators, platform staff) edit it; an action's status moves for
its assignees and them; another member, a removed member and an outsider are refused and
nothing is published."""

from __future__ import annotations

import pytest

from communities.errors import Forbidden
from communities.models import Event
from communities.services.spaces import remove_member
from decisions.models import ActionItem, ActionStatus, Decision
from decisions.services import records
from tests.conftest import People
from tests.decisions.helpers import a_thread, an_action, held_meeting, in_days

pytestmark = pytest.mark.django_db

REFUSED = ["other_member", "outsider", "removed"]


def _actor(people: People, who: str):  # type: ignore[no-untyped-def]
    if who == "removed":
        remove_member(actor=people.facilitator, space=people.space, member=people.other_member)
        return people.other_member
    return getattr(people, who)


def _from_thread(people: People) -> tuple[Decision, ActionItem]:
    """A decision and an action the member recorded from a thread (and so may edit)."""
    thread = a_thread(people)
    decision = records.record_decision(actor=people.member, space=people.space, thread=thread,
                                       text="On garde le jeudi", decided_on=in_days(0))
    return decision, an_action(people, thread)  # by the member, assigned to the member


@pytest.mark.parametrize("who", ["member", "facilitator", "staff"])
def test_the_author_a_facilitator_and_staff_edit(people: People, who: str) -> None:
    decision, action = _from_thread(people)
    actor = getattr(people, who)
    records.edit_decision(actor=actor, decision=decision, text="On garde le mercredi",
                          decided_on=in_days(0))
    records.update_action(actor=actor, action=action, what="Écrire la politique",
                          assignee_ids=[people.member.pk], due_on=in_days(5))
    assert Decision.objects.get().text == "On garde le mercredi"
    assert ActionItem.objects.get().what == "Écrire la politique"


@pytest.mark.parametrize("who", REFUSED)
def test_others_edit_nothing_and_nothing_is_published(people: People, who: str) -> None:
    decision, action = _from_thread(people)
    actor = _actor(people, who)
    before = Event.objects.count()
    with pytest.raises(Forbidden) as refused:
        records.edit_decision(actor=actor, decision=decision, text="Autre chose",
                              decided_on=in_days(0))
    assert "animent l'espace" in str(refused.value.message)
    with pytest.raises(Forbidden):
        records.update_action(actor=actor, action=action, what="Autre chose",
                              assignee_ids=[people.member.pk], due_on=in_days(5))
    assert Decision.objects.get().text == "On garde le jeudi"
    assert ActionItem.objects.get().what == "Envoyer le gabarit de politique"
    assert Event.objects.count() == before


def test_a_member_does_not_edit_what_a_facilitator_recorded_at_a_meeting(people: People) -> None:
    meeting = held_meeting(people)
    decision = records.record_decision(actor=people.facilitator, space=people.space,
                                       meeting=meeting, text="Budget adopté",
                                       decided_on=in_days(0))
    action = an_action(people, meeting)  # assigned to the member, recorded by the facilitator
    with pytest.raises(Forbidden):
        records.edit_decision(actor=people.member, decision=decision, text="Budget refusé",
                              decided_on=in_days(0))
    with pytest.raises(Forbidden):
        records.update_action(actor=people.member, action=action, what="Rien",
                              assignee_ids=[people.member.pk], due_on=action.due_on)
    # ...but being its assignee, the member marks it done.
    records.change_action_status(actor=people.member, action=action, status=ActionStatus.DONE)
    assert ActionItem.objects.get().status == ActionStatus.DONE


@pytest.mark.parametrize("who", REFUSED)
def test_only_assignees_and_facilitators_mark_an_action_done(people: People, who: str) -> None:
    action = an_action(people, held_meeting(people))
    actor = _actor(people, who)
    with pytest.raises(Forbidden):
        records.change_action_status(actor=actor, action=action, status=ActionStatus.DONE)
    assert ActionItem.objects.get().status == ActionStatus.TODO


def test_an_assignee_removed_from_the_space_no_longer_marks_it(people: People) -> None:
    action = an_action(people, held_meeting(people), assignee_ids=[people.other_member.pk])
    remove_member(actor=people.facilitator, space=people.space, member=people.other_member)
    with pytest.raises(Forbidden):
        records.change_action_status(actor=people.other_member, action=action,
                                     status=ActionStatus.DONE)
