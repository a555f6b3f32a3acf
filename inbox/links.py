"""Where an item leads: the page addresses, built once per space rather than reversed for
every recipient (the pages live above this app; their URL names are its contract)."""

from __future__ import annotations

from django.urls import reverse


def thread_target(slug: str, thread_id: int, message_id: int | None = None) -> str:
    url = reverse("thread", args=[slug, thread_id])
    return f"{url}?message={message_id}#message-{message_id}" if message_id else url


def meeting_target(slug: str, meeting_id: int) -> str:
    return reverse("meeting", args=[slug, meeting_id])


def poll_target(slug: str, poll_id: int) -> str:
    return reverse("poll", args=[slug, poll_id])
