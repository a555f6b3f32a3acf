"""Periods a digest covers: a local calendar day, or an ISO week. The period's key is what
the claim's unique constraint is on, so two runs in the same day (or week) share it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from emails.models import DigestFrequency

LENGTH = {DigestFrequency.DAILY: timedelta(days=1), DigestFrequency.WEEKLY: timedelta(days=7)}


def period_key(frequency: str, at: datetime) -> str:
    local = timezone.localtime(at)
    if frequency == DigestFrequency.DAILY:
        return local.date().isoformat()
    if frequency == DigestFrequency.WEEKLY:
        year, week, _day = local.isocalendar()
        return f"{year}-W{week:02d}"
    raise ValueError(f"no period for digest frequency {frequency!r}")


def length(frequency: str) -> timedelta:
    return LENGTH[DigestFrequency(frequency)]
