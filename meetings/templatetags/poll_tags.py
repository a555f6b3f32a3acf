"""Template filters of the date poll pages and emails."""

from __future__ import annotations

from django import template

from meetings.formatting import format_span
from meetings.models.polls import PollSlot

register = template.Library()


@register.filter
def slot_span(slot: PollSlot) -> str:
    """ "jeudi 5 juin 2025, de 13 h 30 à 15 h" in the reader's language."""
    return format_span(slot.starts_at, slot.ends_at)
