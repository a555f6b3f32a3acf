"""Action items reach their people's inbox: assigned, done, overdue for the facilitators."""

from __future__ import annotations

from decisions.models import ActionStatus
from decisions.services import records
from inbox.models import InboxItem
from tests.conftest import People
from tests.decisions.helpers import an_action, held_meeting


def test_an_assigned_action_lands_in_the_assignees_inbox_and_leaves_it_when_done(
        people: People, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    meeting = held_meeting(people)
    with django_capture_on_commit_callbacks(execute=True):
        action = an_action(people, meeting,
                           assignee_ids=[people.member.pk, people.other_member.pk])
    items = InboxItem.objects.filter(subject=f"action:{action.pk}")
    assert sorted(items.values_list("recipient_id", flat=True)) == sorted(
        [people.member.pk, people.other_member.pk])
    item = items.get(recipient=people.member)
    assert item.title == action.what
    assert item.read_at is None
    assert item.target.endswith(f"#action-{action.pk}")
    # The facilitator who assigned it is not told what they did themself.
    assert not InboxItem.objects.filter(recipient=people.facilitator).exists()

    with django_capture_on_commit_callbacks(execute=True):
        records.change_action_status(actor=people.member, action=action,
                                     status=ActionStatus.DONE)
    assert not InboxItem.objects.filter(subject=f"action:{action.pk}",
                                        read_at__isnull=True).exists()
