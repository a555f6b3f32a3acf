"""How a conversation reads at chat speed: relative times ("il y a 5 min") with the exact moment
beside them, and day separators ("Aujourd'hui", "Hier", "mardi 1 déc.")."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django import template
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communities.markdown import render_markdown
from frontend.templatetags.espace import _formats

register = template.Library()

# The Office québécois de la langue française's abbreviations (never "Jui" for June or July).
FRENCH_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juill.", "août", "sept.",
                 "oct.", "nov.", "déc.")
FRENCH_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _french() -> bool:
    return (translation.get_language() or "fr").startswith("fr")


def clock(local: datetime) -> str:
    """14 h 05 in French, 2:05 PM in English."""
    if _french():
        return f"{local.hour}\xa0h\xa0{local.minute:02d}"
    return date_format(local, "g:i A")


def relative(value: datetime, now: datetime | None = None) -> str:
    """What a chat shows: "à l'instant", "il y a 5 min", "il y a 2 h" the same day, the time
    of day before that (the day separator above says which day)."""
    now = now or timezone.now()
    seconds = max(0, int((now - value).total_seconds()))
    local, today = timezone.localtime(value), timezone.localtime(now)
    if seconds < 60:
        return _("à l'instant")
    if seconds < 3600:
        minutes = seconds // 60
        return ngettext("il y a %(n)s min", "il y a %(n)s min", minutes) % {"n": minutes}
    if local.date() == today.date():
        hours = seconds // 3600
        return ngettext("il y a %(n)s h", "il y a %(n)s h", hours) % {"n": hours}
    return clock(local)


@register.filter
def ago(value: datetime | None) -> SafeString | str:
    """A <time> with the relative moment as text and the exact one as its title; the page's
    script keeps the text current."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    exact = date_format(local, _formats()[0])
    return format_html('<time datetime="{}" title="{}" data-relative>{}</time>',
                       local.isoformat(), exact, relative(value))


def day_name(day: date, today: date) -> str:
    if day == today:
        return _("Aujourd'hui")
    if day == today - timedelta(days=1):
        return _("Hier")
    if _french():
        label = f"{FRENCH_DAYS[day.weekday()]} {day.day} {FRENCH_MONTHS[day.month - 1]}"
    else:
        label = date_format(day, "l, M j")
    return label if day.year == today.year else f"{label} {day.year}"


@register.filter
def day_label(value: datetime | None) -> str:
    if value is None:
        return ""
    return day_name(timezone.localtime(value).date(), timezone.localtime(timezone.now()).date())


@register.filter
def local_day(value: datetime | None) -> str:
    """The day in the site's time zone, for {% ifchanged %} between messages."""
    return "" if value is None else timezone.localtime(value).date().isoformat()


@register.filter
def initials(name: str) -> str:
    """"Chantal Bélanger" → "CB": the avatar of someone without a picture."""
    words = [word for word in str(name or "").replace("-", " ").split() if word[:1].isalnum()]
    if not words:
        return ""
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def conversation_strings() -> dict[str, str]:
    # Placeholders in braces are filled by the scripts; the sentences stay translatable here.
    return {
        "now": _("à l'instant"),
        "minutes": _("il y a {n} min"),
        "hours": _("il y a {n} h"),
        "today": _("Aujourd'hui"),
        "enter_sends": _("Entrée envoie le message, Maj+Entrée va à la ligne."),
        "enter_newline": _("Entrée va à la ligne, Ctrl+Entrée envoie le message."),
        "switch_keys": _("Inverser"),
        "new_one": _("{n} nouveau message"),
        "new_many": _("{n} nouveaux messages"),
        "deleted": _("Message supprimé."),
        "undo": _("Annuler"),
        "undone": _("Suppression annulée : le message est rétabli."),
        "toolbar": _("Mise en forme"),
        "bold": _("Gras"),
        "italic": _("Italique"),
        "list": _("Liste à puces"),
        "link": _("Lien"),
        "quote": _("Citation"),
        "mention": _("Mentionner quelqu'un"),
        "link_prompt": _("Adresse du lien (https://…)"),
        "link_text": _("texte du lien"),
        "link_apply": _("Insérer le lien"),
        "link_cancel": _("Annuler"),
        "link_invalid": _("Entrez une adresse web (https://…) ou une adresse courriel."),
    }


@register.simple_tag
def conversation_config() -> SafeString:
    from django.utils.html import json_script

    return json_script(conversation_strings(), "conversation-strings")


@register.filter
def markdown(source: str | None) -> SafeString:
    """Markdown typed in a form (a poll's agenda) as readers see it, never as its syntax."""
    from django.utils.safestring import mark_safe

    # render_markdown escapes raw HTML and keeps an allowlist of tags (communities.markdown).
    return mark_safe(render_markdown(source or ""))  # noqa: S308


@register.filter
def paired(first: list[object], second: list[object]) -> list[tuple[object, object]]:
    """Two lists side by side in a template loop (a person's answers and the poll's slots)."""
    return list(zip(first, second, strict=False))
