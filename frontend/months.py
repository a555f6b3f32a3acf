"""Abbreviated month names. Django's French "M" gives "jui" for both June and July; the Office
québécois de la langue française abbreviates janv., févr., mars, avr., mai, juin, juill.,
août, sept., oct., nov., déc. (months of four letters or fewer are written whole)."""

from __future__ import annotations

from datetime import date

from django.utils import translation

SHORT_MONTHS = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juill.", "août", "sept.", "oct.",
           "nov.", "déc."),
    "en": ("Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.",
           "Nov.", "Dec."),
}


def short_month(day: date, *, with_year: bool = True) -> str:
    """"juill. 2026" in French, "July 2026" in English."""
    language = (translation.get_language() or "fr").split("-")[0]
    name = SHORT_MONTHS.get(language, SHORT_MONTHS["fr"])[day.month - 1]
    return f"{name}\xa0{day.year}" if with_year else name
