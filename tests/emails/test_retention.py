"""Join-back links and settled notifications are pruned a month after they stopped mattering;
anything still usable, or still to send, stays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from emails import joinlinks, retention
from emails.models import JoinLink, Notification
from tests.conftest import People

pytestmark = pytest.mark.django_db


def test_links_dead_for_a_month_go_and_the_others_stay(people: People) -> None:
    for _ in range(3):
        joinlinks.issue_link(user=people.member, target="/", space=None)
    old, recent, live = JoinLink.objects.order_by("pk")
    now = timezone.now()
    JoinLink.objects.filter(pk=old.pk).update(expires_at=now - timedelta(days=31))
    JoinLink.objects.filter(pk=recent.pk).update(expires_at=now - timedelta(days=2))

    pruned = retention.prune(now=now)

    assert pruned.links == 1
    assert set(JoinLink.objects.values_list("pk", flat=True)) == {recent.pk, live.pk}


def test_settled_notifications_go_pending_ones_stay(people: People) -> None:
    now = timezone.now()
    common = {"user": people.member, "space": people.space, "thread_id": 1, "reason": "mention"}
    Notification.objects.create(message_id=1, state="sent",
                                settled_at=now - timedelta(days=40), **common)
    Notification.objects.create(message_id=2, state="pending", **common,
                                created_at=now - timedelta(days=40))

    assert retention.prune(now=now).notifications == 1
    assert list(Notification.objects.values_list("message_id", flat=True)) == [2]


def test_the_daily_command_prunes(people: People, settings: object) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # type: ignore[attr-defined]
    joinlinks.issue_link(user=people.member, target="/", space=None)
    JoinLink.objects.update(expires_at=timezone.now() - timedelta(days=31))

    call_command("send_digests", verbosity=0)

    assert not JoinLink.objects.exists()
