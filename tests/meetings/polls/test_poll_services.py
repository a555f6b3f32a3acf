"""Date poll services: each change emits its event (checked with the verify helper and a
client state rebuilt from the events), and every bad input is refused in French with nothing
changed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from communities.errors import Forbidden, ServiceError
from communities.models import Event
from meetings.models import Meeting, MeetingMode
from meetings.models.polls import DatePoll, PollSlot, PollVote
from meetings.services.polls import close_without_date, open_poll, pick_slot, vote
from tests.conftest import People
from tests.events_helper import verify_action
from tests.meetings.polls.conftest import local_slot, slot_ids
from tests.meetings.polls.state import apply_poll_event, fetch_poll
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def _verify(poll_id: int | None, action, kinds):  # type: ignore[no-untyped-def]
    before = fetch_poll(poll_id) if poll_id else {}
    result, events = verify_action(action, kinds=kinds)
    for event in events:
        apply_poll_event(before, event.kind, event.payload)
    assert before == fetch_poll(poll_id or result.pk if isinstance(result, DatePoll)
                                else result.date_poll.pk)
    return result, events


def test_a_facilitator_opens_a_poll_and_members_see_its_slots(
        people: People, three_slots: list[tuple[datetime, datetime]]) -> None:
    poll, [event] = _verify(None, lambda: open_poll(
        actor=people.facilitator, space=people.space, title="  Rencontre   du réseau ",
        mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1", slots=three_slots),
        ["poll.opened"])
    assert poll.title == "Rencontre du réseau"
    assert event.space_id == people.space.pk
    assert [s["id"] for s in event.payload["poll"]["slots"]] == slot_ids(poll)
    assert "@" not in str(event.payload)  # no email address in what every member receives


def test_slots_typed_in_toronto_are_stored_in_utc_across_the_dst_change(people: People) -> None:
    # The Sunday of the autumn change (first Sunday of November): 13:30 is EST (UTC−5), the
    # Saturday before is still EDT (UTC−4).
    year = timezone.localdate().year + 1
    sunday = next(date(year, 11, d) for d in range(1, 8) if date(year, 11, d).weekday() == 6)
    saturday = sunday - timedelta(days=1)
    poll = open_poll(actor=people.facilitator, space=people.space, title="Changement d'heure",
                     mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1",
                     slots=[local_slot(saturday, "13:30", "15:00"),
                            local_slot(sunday, "13:30", "15:00")])
    first, second = poll.slots.all()
    assert first.starts_at.astimezone(UTC).hour == 17
    assert second.starts_at.astimezone(UTC).hour == 18
    assert first.starts_at.tzinfo is not None


@pytest.mark.parametrize(("slots", "code", "words"), [
    ("one", "too_few_slots", "au moins 2 créneaux"),
    ("backwards", "ends_before_start", "Créneau 2 : La fin de la rencontre doit venir après"),
    ("past", "start_in_past", "Créneau 1 : Le début de la rencontre est déjà passé"),
    ("twice", "duplicate_slot", "Créneau 2 : ce créneau est déjà proposé"),
])
def test_bad_slots_are_refused_in_french_and_nothing_is_created(
        people: People, next_week: date, slots: str, code: str, words: str) -> None:
    good = local_slot(next_week, "13:30", "15:00")
    proposed = {
        "one": [good],
        "backwards": [good, local_slot(next_week, "15:00", "14:00")],
        "past": [local_slot(timezone.localdate() - timedelta(days=1), "13:30", "15:00"), good],
        "twice": [good, good],
    }[slots]
    with pytest.raises(ServiceError) as refused:
        open_poll(actor=people.facilitator, space=people.space, title="Rencontre",
                  mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1", slots=proposed)
    assert refused.value.code == code
    assert words in str(refused.value.message)
    assert not DatePoll.objects.exists() and not PollSlot.objects.exists()
    assert not Event.objects.filter(kind="poll.opened").exists()


def test_a_malformed_video_link_is_refused(people: People, three_slots) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ServiceError) as refused:
        open_poll(actor=people.facilitator, space=people.space, title="Rencontre",
                  mode=MeetingMode.VIRTUAL, video_url="zoom point us", slots=three_slots)
    assert refused.value.code == "invalid_video_url"
    assert not DatePoll.objects.exists()


def test_a_member_cannot_open_a_poll(people: People, three_slots) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Forbidden):
        open_poll(actor=people.member, space=people.space, title="Rencontre",
                  mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1", slots=three_slots)
    assert not DatePoll.objects.exists()


def test_members_answer_and_the_counts_follow(people: People, poll: DatePoll) -> None:
    first, second, third = slot_ids(poll)
    _verify(poll.pk, lambda: vote(actor=people.member, poll=poll, answers={
        first: "yes", second: "if_needed", third: "no"}), ["poll.voted"])
    _, [event] = _verify(poll.pk, lambda: vote(actor=people.other_member, poll=poll, answers={
        first: "yes", second: "no", third: "no"}), ["poll.voted"])
    assert event.payload["tally"][str(first)] == {"yes": 2, "if_needed": 0, "no": 0}
    assert event.payload["tally"][str(second)] == {"yes": 0, "if_needed": 1, "no": 1}
    assert event.payload["respondents"] == 2
    assert event.payload["first_answer"] is True
    assert event.payload["voter"]["display_name"] == "Noémie Membre"


def test_a_member_changes_their_answers_until_the_poll_closes(people: People,
                                                              poll: DatePoll) -> None:
    first, second, third = slot_ids(poll)
    vote(actor=people.member, poll=poll, answers={first: "no", second: "no", third: "no"})
    _, [event] = _verify(poll.pk, lambda: vote(actor=people.member, poll=poll, answers={
        first: "yes", second: "no", third: "if_needed"}), ["poll.voted"])
    assert event.payload["first_answer"] is False
    assert event.payload["respondents"] == 1
    assert PollVote.objects.filter(user=people.member).count() == 3
    assert dict(PollVote.objects.filter(user=people.member).values_list("slot_id", "answer")) \
        == {first: "yes", second: "no", third: "if_needed"}


def test_the_same_answers_again_change_nothing_and_emit_nothing(people: People,
                                                               poll: DatePoll) -> None:
    answers = dict.fromkeys(slot_ids(poll), "yes")
    vote(actor=people.member, poll=poll, answers=answers)
    _verify(poll.pk, lambda: vote(actor=people.member, poll=poll, answers=answers), [])


@pytest.mark.parametrize(("answers", "code"), [
    ("partial", "incomplete_answers"), ("foreign", "unknown_slot"), ("odd", "invalid_answer"),
])
def test_incomplete_or_odd_answers_are_refused_and_nothing_is_kept(
        people: People, poll: DatePoll, answers: str, code: str) -> None:
    first, second, third = slot_ids(poll)
    given = {"partial": {first: "yes"},
             "foreign": {first: "yes", second: "yes", third: "yes", 999_999: "yes"},
             "odd": {first: "yes", second: "peut-être", third: "no"}}[answers]
    with pytest.raises(ServiceError) as refused:
        vote(actor=people.member, poll=poll, answers=given)
    assert refused.value.code == code
    assert not PollVote.objects.exists()


def test_outsiders_cannot_answer(people: People, poll: DatePoll) -> None:
    with pytest.raises(Forbidden):
        vote(actor=people.outsider, poll=poll, answers=dict.fromkeys(slot_ids(poll), "yes"))
    assert not PollVote.objects.exists()


def test_picking_a_slot_schedules_the_meeting_and_closes_the_poll(people: People,
                                                                 poll: DatePoll) -> None:
    first, second, third = slot_ids(poll)
    vote(actor=people.member, poll=poll, answers={first: "no", second: "yes", third: "no"})
    meeting, events = _verify(poll.pk, lambda: pick_slot(
        actor=people.facilitator, poll=poll, slot_id=second), ["meeting.scheduled",
                                                               "poll.closed"])
    slot = PollSlot.objects.get(pk=second)
    assert (meeting.starts_at, meeting.ends_at) == (slot.starts_at, slot.ends_at)
    assert (meeting.title, meeting.mode, meeting.video_url) == (
        "Rencontre du réseau", MeetingMode.VIRTUAL, "https://zoom.us/j/123456")
    assert meeting.agenda == "1. Bilan\n2. Projets"
    poll.refresh_from_db()
    assert poll.is_closed and poll.chosen_slot_id == second and poll.meeting_id == meeting.pk
    assert events[1].payload["meeting"] == meeting.pk
    assert events[1].payload["slot"]["id"] == second


def test_a_vote_on_a_closed_poll_is_refused_in_french(people: People, poll: DatePoll) -> None:
    first, second, third = slot_ids(poll)
    vote(actor=people.member, poll=poll, answers={first: "yes", second: "yes", third: "no"})
    pick_slot(actor=people.facilitator, poll=poll, slot_id=first)
    with pytest.raises(ServiceError) as refused:
        vote(actor=people.member, poll=poll, answers={first: "no", second: "no", third: "no"})
    assert refused.value.code == "poll_closed"
    assert refused.value.status == 409
    assert "Ce sondage est fermé" in str(refused.value.message)
    assert PollVote.objects.get(user=people.member, slot_id=first).answer == "yes"


def test_a_poll_is_closed_once(people: People, poll: DatePoll) -> None:
    first, second, _third = slot_ids(poll)
    pick_slot(actor=people.facilitator, poll=poll, slot_id=first)
    with pytest.raises(ServiceError) as refused:
        pick_slot(actor=people.facilitator, poll=poll, slot_id=second)
    assert refused.value.code == "poll_closed"
    assert Meeting.objects.count() == 1


def test_a_slot_of_another_poll_cannot_be_picked(people: People, poll: DatePoll,
                                                  three_slots) -> None:  # type: ignore[no-untyped-def]
    other = open_poll(actor=people.facilitator, space=people.space, title="Autre",
                      mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/2",
                      slots=three_slots)
    with pytest.raises(ServiceError) as refused:
        pick_slot(actor=people.facilitator, poll=poll, slot_id=slot_ids(other)[0])
    assert refused.value.code == "unknown_slot"
    assert not Meeting.objects.exists()
    poll.refresh_from_db()
    assert not poll.is_closed


def test_a_slot_that_has_passed_cannot_be_picked(people: People, poll: DatePoll) -> None:
    first = slot_ids(poll)[0]
    PollSlot.objects.filter(pk=first).update(
        starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(ServiceError) as refused:
        pick_slot(actor=people.facilitator, poll=poll, slot_id=first)
    assert refused.value.code == "start_in_past"
    poll.refresh_from_db()
    assert not poll.is_closed and not Meeting.objects.exists()


def test_only_organisers_pick(people: People, poll: DatePoll) -> None:
    with pytest.raises(Forbidden):
        pick_slot(actor=people.member, poll=poll, slot_id=slot_ids(poll)[0])
    assert not Meeting.objects.exists()


def test_datetimes_in_events_are_utc_iso(people: People, poll: DatePoll) -> None:
    event = Event.objects.get(kind="poll.opened")
    start = datetime.fromisoformat(event.payload["poll"]["slots"][0]["starts_at"])
    assert start.utcoffset() == timedelta(0)


def test_a_poll_can_be_closed_without_a_date(people: People, poll: DatePoll) -> None:
    first, second, third = slot_ids(poll)
    vote(actor=people.member, poll=poll, answers={first: "no", second: "no", third: "no"})
    _, [event] = _verify(poll.pk, lambda: close_without_date(actor=people.facilitator,
                                                             poll=poll), ["poll.closed"])
    assert (event.payload["slot"], event.payload["meeting"]) == (None, None)
    assert event.payload["poll"]["closed"] is True
    assert not Meeting.objects.exists()
    with pytest.raises(ServiceError) as refused:
        vote(actor=people.member, poll=poll, answers={first: "yes", second: "no", third: "no"})
    assert refused.value.code == "poll_closed"
    with pytest.raises(ServiceError):
        pick_slot(actor=people.facilitator, poll=poll, slot_id=first)
    with pytest.raises(ServiceError):
        close_without_date(actor=people.facilitator, poll=poll)
    assert not Meeting.objects.exists()


def test_members_cannot_close_a_poll(people: People, poll: DatePoll) -> None:
    with pytest.raises(Forbidden):
        close_without_date(actor=people.member, poll=poll)
    poll.refresh_from_db()
    assert not poll.is_closed


def test_an_answer_costs_the_same_queries_for_three_slots_or_twenty(
        people: People, poll: DatePoll, next_week: date) -> None:
    import re


    big = open_poll(actor=people.facilitator, space=people.space, title="Vingt créneaux",
                    mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1",
                    slots=[local_slot(next_week + timedelta(days=d), "10:00", "11:00")
                           for d in range(20)])
    counts = []
    for target in (poll, big):
        with count_queries() as queries:
            vote(actor=people.member, poll=target, answers=dict.fromkeys(slot_ids(target), "yes"))
        # Savepoints come and go with the test's transaction; count the real work.
        counts.append(len([q for q in queries if not re.match(r"(RELEASE )?SAVEPOINT",
                                                              q["sql"])]))
    assert counts == [9, 9], counts
