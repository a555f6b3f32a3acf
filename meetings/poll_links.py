"""Where a poll's meeting lives. The meeting pages belong to the meetings part of the app; until
their URL is routed, the link falls back to the space's polls, so a poll page never fails."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

PLACEHOLDER_ID = 999_999_999


def meeting_url(space_slug: str, meeting_id: int) -> str:
    try:
        return reverse("meeting", args=[space_slug, meeting_id])
    except NoReverseMatch:
        return reverse("polls", args=[space_slug])
