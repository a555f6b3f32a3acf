"""The plain address of a meeting's page, for what is filed and shared (calendar entries):
no join-back token in it, unlike the links of a meeting email."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from meetings.models import Meeting


def meeting_url(meeting: Meeting) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("meeting", args=[meeting.space.slug,
                                                                     meeting.pk])
