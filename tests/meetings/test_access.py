"""Who organises and who answers, asked of meetings.access by the services and the pages
alike: the people who run the space (and staff) organise, members answer."""

from __future__ import annotations

import pytest

from communities.access import membership_of
from communities.errors import Forbidden
from communities.models import User
from meetings import access
from meetings.models import Answer
from meetings.services.rsvp import answer_meeting
from meetings.services.scheduling import cancel_meeting
from tests.conftest import People
from tests.meetings.conftest import schedule

pytestmark = pytest.mark.django_db


def _organises(people: People, user: User) -> bool:
    return access.may_organise(membership_of(user=user, space=people.space), user)


def _answers(people: People, user: User) -> bool:
    return access.may_answer(membership_of(user=user, space=people.space), user)


def test_the_facilitator_and_staff_organise_members_and_outsiders_do_not(people: People) -> None:
    assert _organises(people, people.facilitator)
    assert _organises(people, people.staff)
    assert not _organises(people, people.member)
    assert not _organises(people, people.outsider)
    access.require_organiser(actor=people.staff, space=people.space)
    with pytest.raises(Forbidden) as refused:
        access.require_organiser(actor=people.member, space=people.space)
    assert "organiser ses rencontres" in str(refused.value.message)


def test_members_answer_staff_who_are_not_members_do_not(people: People) -> None:
    assert _answers(people, people.member)
    assert _answers(people, people.facilitator)
    assert not _answers(people, people.staff)
    assert not _answers(people, people.outsider)
    assert access.require_answerer(actor=people.member, space=people.space).user == people.member
    with pytest.raises(Forbidden) as refused:
        access.require_answerer(actor=people.staff, space=people.space)
    assert "Seuls les membres de l'espace répondent" in str(refused.value.message)


def test_a_deactivated_member_answers_nothing(people: People) -> None:
    User.objects.filter(pk=people.member.pk).update(is_active=False)
    people.member.refresh_from_db()
    assert not _answers(people, people.member)
    with pytest.raises(Forbidden):
        access.require_answerer(actor=people.member, space=people.space)


def test_the_services_give_the_same_answers(people: People) -> None:
    meeting = schedule(people)
    with pytest.raises(Forbidden):
        answer_meeting(actor=people.staff, meeting=meeting, answer=Answer.YES)
    with pytest.raises(Forbidden):
        cancel_meeting(actor=people.member, meeting=meeting, note="")
    assert answer_meeting(actor=people.member, meeting=meeting, answer=Answer.YES).answer == "yes"
    cancel_meeting(actor=people.staff, meeting=meeting, note="")
