"""Template filters for meeting times, all through meetings.formatting (one helper for pages,
emails and calendars)."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from meetings.formatting import format_span, format_when
from meetings.models import Meeting
from meetings.timezones import local

register = template.Library()


@register.filter
def meeting_when(meeting: Meeting) -> SafeString:
    """ "jeudi 5 juin 2025, de 13 h 30 à 15 h" inside a <time> giving the start instant."""
    return format_html('<time datetime="{}">{}</time>', local(meeting.starts_at).isoformat(),
                       format_span(meeting.starts_at, meeting.ends_at))


@register.filter
def moment(value: datetime | None) -> SafeString | str:
    if value is None:
        return ""
    return format_html('<time datetime="{}">{}</time>', local(value).isoformat(),
                       format_when(value))
