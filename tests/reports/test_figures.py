"""Every figure of the activity report against the hand-computed world in tests/reports/world.py,
and the number of queries it costs (the same for one space or many)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from reports.figures import activity_report
from reports.periods import Period, fiscal_year, fiscal_year_of
from tests.queries import count_queries
from tests.reports.world import World, build_world

pytestmark = pytest.mark.django_db

YEAR = fiscal_year(2025)


@pytest.fixture
def world() -> World:
    return build_world()


def _figures(figures: Any) -> dict[str, object]:
    m = figures.meetings
    return {"members_at_end": figures.members_at_end, "new_members": figures.new_members,
            "active_members": figures.active_members, "threads": figures.threads,
            "messages": figures.messages, "documents": figures.documents, "held": m.held,
            "virtual": m.virtual, "in_person": m.in_person, "hybrid": m.hybrid,
            "participants": m.participants, "average": m.average_participants}


def test_the_fiscal_year_runs_from_april_to_march_in_toronto_time() -> None:
    assert (YEAR.first_day, YEAR.last_day) == (date(2025, 4, 1), date(2026, 3, 31))
    assert YEAR.starts_at.isoformat() == "2025-04-01T00:00:00-04:00"
    assert YEAR.ends_at.isoformat() == "2026-04-01T00:00:00-04:00"
    assert fiscal_year_of(date(2026, 3, 31)) == YEAR
    assert fiscal_year_of(date(2026, 4, 1)) == fiscal_year(2026)
    assert YEAR.label == "Exercice 2025-2026"
    assert len(YEAR.months()) == 12


def test_each_space_matches_the_hand_count(world: World) -> None:
    report = activity_report(spaces=[world.a, world.b, world.c], period=YEAR)
    assert _figures(report.by_space[world.a.pk]) == {
        "members_at_end": 4, "new_members": 3, "active_members": 5, "threads": 1,
        "messages": 3, "documents": 1, "held": 3, "virtual": 1, "in_person": 1, "hybrid": 1,
        "participants": 18, "average": 9.0}
    assert _figures(report.by_space[world.b.pk]) == {
        "members_at_end": 2, "new_members": 1, "active_members": 3, "threads": 1,
        "messages": 2, "documents": 0, "held": 1, "virtual": 1, "in_person": 0, "hybrid": 0,
        "participants": 1, "average": 1.0}
    assert _figures(report.by_space[world.c.pk]) == {
        "members_at_end": 0, "new_members": 0, "active_members": 0, "threads": 0,
        "messages": 0, "documents": 0, "held": 0, "virtual": 0, "in_person": 0, "hybrid": 0,
        "participants": 0, "average": None}


def test_all_spaces_count_each_person_once(world: World) -> None:
    report = activity_report(spaces=[world.a, world.b, world.c], period=YEAR)
    assert _figures(report.total) == {
        "members_at_end": 4, "new_members": 4, "active_members": 6, "threads": 2,
        "messages": 5, "documents": 1, "held": 4, "virtual": 2, "in_person": 1, "hybrid": 1,
        "participants": 19, "average": 6.3}
    assert report.by_space[world.a.pk].meetings.unrecorded == 1
    assert (report.total.meetings.members_attending, report.total.meetings.guests) == (6, 13)


def test_months_follow_toronto_time(world: World) -> None:
    report = activity_report(spaces=[world.a, world.b, world.c], period=YEAR)
    messages = {row.month: row.messages for row in report.months if row.messages}
    participants = {row.month: row.participants for row in report.months if row.participants}
    # The reply at 23:30 on March 31 is in March (it is already April 1 in UTC).
    assert messages == {"2025-05-01": 2, "2025-07-01": 1, "2025-09-01": 1, "2026-03-01": 1}
    assert participants == {"2025-06-01": 5, "2025-10-01": 13, "2025-11-01": 1}
    assert report.months[0].month == "2025-04-01"


def test_a_custom_period_counts_only_its_days(world: World) -> None:
    # May 2025 only: T1 and its first reply, F joining mae; no meeting.
    may = Period(date(2025, 5, 1), date(2025, 5, 31))
    report = activity_report(spaces=[world.a, world.b], period=may)
    assert _figures(report.total) | {"members_at_end": None} == {
        "members_at_end": None, "new_members": 1, "active_members": 2, "threads": 1,
        "messages": 2, "documents": 0, "held": 0, "virtual": 0, "in_person": 0, "hybrid": 0,
        "participants": 0, "average": None}
    # At the end of May: rma had F and M1 (M2 came in June); mae had M2, F and M6.
    assert report.by_space[world.a.pk].members_at_end == 2
    assert report.by_space[world.b.pk].members_at_end == 3


def test_the_report_costs_the_same_queries_for_one_space_or_three(
        world: World) -> None:
    # The ten figures, the committees of the spaces, the questions asked (their events are
    # read only when there are some).
    with count_queries(exactly=12):
        activity_report(spaces=[world.a], period=YEAR)
    with count_queries(exactly=12):
        activity_report(spaces=[world.a, world.b, world.c], period=YEAR)
