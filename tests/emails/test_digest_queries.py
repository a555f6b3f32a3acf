"""Building digests costs the same number of queries for 3 members as for 30: nothing is read
member by member. Sending adds exactly one UPDATE per message sent (the record that it left,
which is what keeps a re-run after a crash from sending it again)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communities.models import Membership, Space, User
from emails.digest import builder, periods, sending
from emails.digest.content import Recipient
from tests.conftest import People, make_user
from tests.emails.helpers import week_of_activity
from tests.queries import count_queries

# Pinned on PostgreSQL, the production database: on SQLite, Django splits a bulk insert at the
# 999-parameter limit (about 111 join-back links a statement), so one more INSERT per hundred
# links is the database's batching, not a query per member.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("uses_postgres")]


def _members(people: People, count: int, start: int) -> list[User]:
    second = Space.objects.get_or_create(slug="vs", defaults={"name": "Voisins solidaires"})[0]
    joined = timezone.now() - timedelta(days=30)
    users = []
    for n in range(start, start + count):
        user = make_user(f"membre{n}@exemple.qc.ca", f"Membre {n}")
        Membership.objects.create(space=people.space, user=user, joined_at=joined)
        Membership.objects.create(space=second, user=user, joined_at=joined)
        users.append(user)
    return users


def _recipients(users: list[User]) -> list[Recipient]:
    now = timezone.now()
    spaces = list(Space.objects.all())
    return [Recipient(user=u, frequency="weekly", spaces=spaces,
                      joined={s.pk: now - timedelta(days=30) for s in spaces},
                      since=now - timedelta(days=7), until=now) for u in users]


def _queries(action: object) -> int:
    with count_queries() as captured:
        action()  # type: ignore[operator]
    return len(captured)


def test_building_a_batch_costs_the_same_queries_for_3_or_30_members(people: People) -> None:
    small, large = _members(people, 3, 0), _members(people, 30, 100)
    week_of_activity(people)

    few, many = _recipients(small), _recipients(large)
    small_count = _queries(lambda: builder.build(few))
    large_count = _queries(lambda: builder.build(many))

    # the space events of every window, the mentions, the coming meetings, the open polls
    # (the answers to either are read only when there are some), which opening messages of
    # new threads were deleted since, the members' open actions, who runs which space (for
    # the overdue actions), one insert of every join-back link, one of every reply-by-email
    # address, the questions still waiting for their answer
    assert small_count == large_count == 10


def test_sending_a_batch_adds_one_update_per_message_and_nothing_else(people: People) -> None:
    small, large = _members(people, 3, 0), _members(people, 30, 100)
    week_of_activity(people)
    now = timezone.now()
    period = periods.period_key("weekly", now)

    def send(users: list[User]) -> int:
        return _queries(lambda: sending.send_batch(frequency="weekly", period=period, now=now,
                                                   user_ids=[u.pk for u in users],
                                                   send=lambda message, opened: None))

    small_count, large_count = send(small), send(large)

    assert large_count - small_count == 30 - 3
    # preferences (2), memberships, previous digests, claim insert, takeover, claimed rows,
    # people, then the build (10): 18
    assert small_count - 3 == 18


def test_meetings_and_polls_do_not_make_queries_grow_either(people: People) -> None:
    from meetings.services.polls import open_poll
    from tests.meetings.conftest import in_days, schedule

    small, large = _members(people, 3, 0), _members(people, 30, 100)
    schedule(people)
    open_poll(actor=people.facilitator, space=people.space, title="Bilan",
              slots=[(in_days(20), in_days(20, 15)), (in_days(21), in_days(21, 15))],
              mode="virtual",
              video_url="https://zoom.us/j/1")
    few, many = _recipients(small), _recipients(large)

    small_count = _queries(lambda: builder.build(few))
    large_count = _queries(lambda: builder.build(many))

    # events, mentions, meetings and their answers, polls and their votes, open actions, who
    # runs which space, the links (no thread here, so no reply address to insert), the
    # unanswered questions
    assert small_count == large_count == 10
