from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from communities.models import Event, Space
from communities.services.discussion import post_message, start_thread


def test_pruning_old_events_raises_the_floor_so_resumers_are_told(people):
    thread = start_thread(actor=people.member, space=people.space, title="T", body="0").thread
    post_message(actor=people.member, thread=thread, body="1")
    Event.objects.filter(seq__lte=1).update(created_at=timezone.now() - timedelta(days=500))
    post_message(actor=people.member, thread=thread, body="2")
    call_command("prune_events", days=400)
    space = Space.objects.get(pk=people.space.pk)
    assert (space.event_floor, space.event_head) == (1, 3)
    assert list(Event.objects.values_list("seq", flat=True).order_by("seq")) == [2, 3]


def test_the_event_log_api_says_when_history_was_pruned(api, people):
    start_thread(actor=people.member, space=people.space, title="T", body="x")
    Space.objects.filter(pk=people.space.pk).update(event_floor=1)
    answer = api.member.get("/api/v1/spaces/rma/events?after=0")
    assert answer.status_code == 410 and answer.json()["code"] == "pruned"
