"""What lands in a person's inbox from meetings and date polls."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from communities.models import Event
from inbox import selectors
from inbox.models import InboxItem
from meetings.models import MeetingMode
from meetings.services.polls import open_poll, pick_slot, vote
from meetings.services.scheduling import UNCHANGED, cancel_meeting, update_meeting
from tests.conftest import People
from tests.events_helper import verify_action
from tests.inbox.conftest import schedule, soon


def test_scheduling_invites_every_member_but_the_organiser(people: People) -> None:
    meeting, events = verify_action(lambda: schedule(people), kinds=[
        "meeting.scheduled", "inbox.item_added", "inbox.item_added"])
    items = InboxItem.objects.filter(kind="meeting.invited")
    assert {i.recipient_id for i in items} == {people.member.pk, people.other_member.pk}
    item = items.get(recipient=people.member)
    assert item.title == meeting.title
    assert item.snippet == "Tour de table Bilan"  # the agenda without its Markdown
    assert item.occurs_at == meeting.starts_at
    assert item.target == f"/espaces/rma/rencontres/{meeting.pk}/"
    assert {e.owner_id for e in events if e.kind == "inbox.item_added"} == {
        people.member.pk, people.other_member.pk}


def test_a_change_of_time_or_a_cancellation_is_told_again(people: People) -> None:
    meeting = schedule(people)
    verify_action(lambda: update_meeting(
        actor=people.facilitator, meeting=meeting, title=UNCHANGED, agenda=UNCHANGED,
        starts_at=soon(11), ends_at=soon(11, 2), mode=UNCHANGED, address=UNCHANGED,
        video_url=UNCHANGED, capacity=UNCHANGED),
        kinds=["meeting.updated", "inbox.item_added", "inbox.item_added"])
    verify_action(lambda: cancel_meeting(actor=people.facilitator, meeting=meeting),
                  kinds=["meeting.cancelled", "inbox.item_added", "inbox.item_added"])
    kinds = sorted(InboxItem.objects.filter(recipient=people.member).values_list("kind",
                                                                                 flat=True))
    assert kinds == ["meeting.cancelled", "meeting.changed"]


def test_a_poll_awaits_each_member_until_they_answer(people: People) -> None:
    day = timezone.now() + timedelta(days=7)
    slots = [(day, day + timedelta(hours=1)), (day + timedelta(days=1),
                                                day + timedelta(days=1, hours=1))]
    poll, _events = verify_action(lambda: open_poll(
        actor=people.facilitator, space=people.space, title="Rencontre du réseau",
        mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1", slots=slots,
        notify_members=False), kinds=["poll.opened", "inbox.item_added", "inbox.item_added"])
    assert selectors.unread_count(people.member) == 1
    first, second = poll.slots.order_by("starts_at")
    _poll, events = verify_action(
        lambda: vote(actor=people.member, poll=poll, answers={first.pk: "yes", second.pk: "no"}),
        kinds=["poll.voted", "inbox.read"])
    assert events[1].owner_id == people.member.pk
    assert events[1].payload["unread"] == 0
    assert selectors.unread_count(people.member) == 0
    assert selectors.unread_count(people.other_member) == 1
    # The meeting picked from the poll invites those who answered it, only.
    # Closing it leaves nothing to answer: the others' items are read too.
    _meeting, events = verify_action(
        lambda: pick_slot(actor=people.facilitator, poll=poll, slot_id=first.pk),
        kinds=["meeting.scheduled", "poll.closed", "inbox.read", "inbox.item_added"])
    assert events[2].owner_id == people.other_member.pk
    assert selectors.unread_count(people.other_member) == 0
    invited = InboxItem.objects.filter(kind="meeting.invited")
    assert [i.recipient_id for i in invited] == [people.member.pk]
    assert Event.objects.filter(kind="inbox.item_added", owner=people.member).count() == 2
