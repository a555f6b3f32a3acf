"""Answers, counts and the waiting list, including two people racing for the last seat."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.db import connection
from django.utils import timezone

from communities.errors import Forbidden, ServiceError
from communities.models import Membership, Role
from meetings.models import Answer, Meeting, Rsvp
from meetings.services.rsvp import answer_meeting
from meetings.services.scheduling import cancel_meeting, update_meeting
from meetings.services.waiting_list import rsvp_counts, waiting_position
from tests.conftest import People, make_user
from tests.meetings.conftest import make_past, schedule
from tests.meetings.helpers import verify_meeting_action
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def test_answer_is_an_event_with_the_new_counts(meeting: Meeting, people: People) -> None:
    rsvp, events = verify_meeting_action(
        people.space.slug,
        lambda: answer_meeting(actor=people.member, meeting=meeting, answer=Answer.YES),
        kinds=["rsvp.changed"])
    assert rsvp.has_seat
    assert events[0].payload["counts"] == {"yes": 1, "maybe": 0, "no": 0, "waiting": 0}
    assert events[0].payload["member"]["display_name"] == "Marc Membre"


def test_changing_one_s_mind_moves_the_count(meeting: Meeting, people: People) -> None:
    answer_meeting(actor=people.member, meeting=meeting, answer=Answer.YES)
    _rsvp, events = verify_meeting_action(
        people.space.slug,
        lambda: answer_meeting(actor=people.member, meeting=meeting, answer=Answer.MAYBE),
        kinds=["rsvp.changed"])
    assert events[0].payload["counts"] == {"yes": 0, "maybe": 1, "no": 0, "waiting": 0}
    assert Rsvp.objects.count() == 1


def test_the_same_answer_twice_emits_nothing(meeting: Meeting, people: People) -> None:
    answer_meeting(actor=people.member, meeting=meeting, answer=Answer.NO)
    verify_meeting_action(people.space.slug, lambda: answer_meeting(
        actor=people.member, meeting=meeting, answer=Answer.NO), kinds=[])


def test_full_meeting_puts_yes_on_the_waiting_list_first_come_first_served(
        people: People) -> None:
    meeting = schedule(people, capacity=1)
    third = make_user("zoe@exemple.qc.ca", "Zoé Membre")
    Membership.objects.create(space=people.space, user=third, role=Role.MEMBER)
    answer_meeting(actor=people.member, meeting=meeting, answer=Answer.YES)
    second = answer_meeting(actor=people.other_member, meeting=meeting, answer=Answer.YES)
    last = answer_meeting(actor=third, meeting=meeting, answer=Answer.YES)
    assert second.waitlisted_at is not None and waiting_position(second) == 1
    assert waiting_position(last) == 2
    assert rsvp_counts(meeting) == {"yes": 1, "maybe": 0, "no": 0, "waiting": 2}


def test_a_no_promotes_the_first_waiting_and_tells_them(people: People) -> None:
    meeting = schedule(people, capacity=1)
    answer_meeting(actor=people.member, meeting=meeting, answer=Answer.YES)
    answer_meeting(actor=people.other_member, meeting=meeting, answer=Answer.YES)
    _rsvp, events = verify_meeting_action(
        people.space.slug,
        lambda: answer_meeting(actor=people.member, meeting=meeting, answer=Answer.NO),
        kinds=["rsvp.changed", "rsvp.changed"])
    promoted = events[1].payload
    assert promoted["member"]["id"] == people.other_member.pk
    assert promoted["promoted"] is True and promoted["waiting"] is False
    assert Rsvp.objects.get(user=people.other_member).has_seat
    assert [m.to for m in outbox.outbox] == [[people.other_member.email]]
    assert "place" in outbox.outbox[0].subject


def test_raising_the_capacity_seats_the_waiting_list(people: People) -> None:
    meeting = schedule(people, capacity=1)
    answer_meeting(actor=people.member, meeting=meeting, answer=Answer.YES)
    answer_meeting(actor=people.other_member, meeting=meeting, answer=Answer.YES)
    verify_meeting_action(
        people.space.slug,
        lambda: update_meeting(actor=people.facilitator, meeting=meeting, capacity=5),
        kinds=["meeting.updated", "rsvp.changed"])
    assert rsvp_counts(meeting)["waiting"] == 0


def test_answering_a_cancelled_meeting_is_refused(meeting: Meeting, people: People) -> None:
    cancel_meeting(actor=people.facilitator, meeting=meeting)
    with pytest.raises(ServiceError) as caught:
        answer_meeting(actor=people.member, meeting=meeting, answer=Answer.YES)
    assert caught.value.code == "meeting_cancelled"
    assert "annulée" in str(caught.value)
    assert not Rsvp.objects.exists()


def test_answering_a_started_meeting_is_refused(meeting: Meeting, people: People) -> None:
    answer_meeting(actor=people.member, meeting=meeting, answer=Answer.YES)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(minutes=5))
    with pytest.raises(ServiceError) as caught:
        answer_meeting(actor=people.member, meeting=meeting, answer=Answer.NO)
    assert caught.value.code == "meeting_started"
    assert Rsvp.objects.get().answer == Answer.YES


def test_outsiders_and_unknown_answers_are_refused(meeting: Meeting, people: People) -> None:
    with pytest.raises(Forbidden):
        answer_meeting(actor=people.outsider, meeting=meeting, answer=Answer.YES)
    with pytest.raises(ServiceError) as caught:
        answer_meeting(actor=people.member, meeting=meeting, answer="oui")
    assert caught.value.code == "invalid_answer"
    make_past(meeting)
    assert not Rsvp.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_yes_for_the_last_seat_give_one_seat(uses_postgres: None,
                                                            people: People,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    meeting = schedule(people, capacity=1)
    # Both requests are past the membership check before either takes the meeting's lock:
    # without the lock both would count 0 seats taken and both would sit.
    both_checked = threading.Barrier(2, timeout=20)
    from meetings.services import rsvp as rsvp_module

    real_check = rsvp_module.require_answerer

    def check_then_wait(**kwargs):  # type: ignore[no-untyped-def]
        membership = real_check(**kwargs)
        both_checked.wait()
        return membership

    monkeypatch.setattr(rsvp_module, "require_answerer", check_then_wait)
    outcomes: list[str] = []

    def answer(user) -> None:  # type: ignore[no-untyped-def]
        try:
            given = answer_meeting(actor=user, meeting=meeting, answer=Answer.YES)
            outcomes.append("waiting" if given.waitlisted_at else "seat")
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(user,))
               for user in (people.member, people.other_member)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["seat", "waiting"]
    assert rsvp_counts(meeting) == {"yes": 1, "maybe": 0, "no": 0, "waiting": 1}


# Membership, the meeting under lock, the answer, seats taken, the write, the counts for the
# event, the event (stream head + row): the same however many answers there are.
ANSWER_QUERIES = 9


def test_an_answer_costs_the_same_queries_with_many_answers(people: People) -> None:
    meeting = schedule(people)
    with count_queries() as first:
        answer_meeting(actor=people.member, meeting=meeting, answer=Answer.YES)
    for n in range(30):
        user = make_user(f"p{n}@exemple.qc.ca", f"Personne {n}")
        Membership.objects.create(space=people.space, user=user, role=Role.MEMBER)
        answer_meeting(actor=user, meeting=meeting, answer=Answer.MAYBE)
    with count_queries() as later:
        answer_meeting(actor=people.other_member, meeting=meeting, answer=Answer.YES)
    assert len(first) == len(later) == ANSWER_QUERIES, (len(first), len(later))


def test_leaving_the_space_gives_the_seat_to_the_waiting_list(people: People) -> None:
    from communities.services.spaces import leave_space

    meeting = schedule(people, capacity=1)
    answer_meeting(actor=people.member, meeting=meeting, answer=Answer.YES)
    answer_meeting(actor=people.other_member, meeting=meeting, answer=Answer.YES)
    _result, events = verify_meeting_action(
        people.space.slug, lambda: leave_space(actor=people.member, space=people.space),
        kinds=["rsvp.changed", "rsvp.changed", "member.left", "membership.ended"])
    assert events[0].payload["answer"] == Answer.NO
    assert events[1].payload["promoted"] is True
    assert Rsvp.objects.get(user=people.other_member).has_seat
    assert [m.to for m in outbox.outbox] == [[people.other_member.email]]


def test_deleting_a_space_with_answers_still_works(people: People) -> None:
    meeting = schedule(people, capacity=1)
    answer_meeting(actor=people.member, meeting=meeting, answer=Answer.YES)
    people.space.delete()
    assert not Meeting.objects.exists()
