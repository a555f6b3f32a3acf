"""Template helpers of the web pages."""

from __future__ import annotations

import re
from datetime import datetime

from django import template
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from communities import access
from communities.models import Message, User
from communities.serializers import quote_of

register = template.Library()


@register.filter
def is_platform_staff(user: User) -> bool:
    """The navigation shows staff-only pages by the same rule those pages check."""
    return access.is_platform_staff(user)

# Django's own fr_CA TIME_FORMAT leaves the "h" of "14 h 05" unescaped, which renders the
# 12-hour clock instead of the letter; the Office québécois de la langue française style is
# "15 janvier 2026, 14 h 05" (non-breaking spaces around the h).
FORMATS = {
    "fr": ("j F Y, G\xa0\\h\xa0i", "j F Y"),
    "en": ("F j, Y, g:i A", "F j, Y"),
}


def _formats() -> tuple[str, str]:
    language = (translation.get_language() or "fr").split("-")[0]
    return FORMATS.get(language, FORMATS["fr"])


@register.filter
def when(value: datetime | None) -> str:
    """A <time> element with the moment in the site's time zone (America/Toronto)."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return format_html('<time datetime="{}">{}</time>', local.isoformat(),
                       date_format(local, _formats()[0]))


@register.filter
def day(value: object) -> str:
    # Not only None: ``d.current_version.created_at`` of a document without a version is the
    # template's empty string.
    if not isinstance(value, datetime):
        return ""
    local = timezone.localtime(value)
    return format_html('<time datetime="{}">{}</time>', local.date().isoformat(),
                       date_format(local, _formats()[1]))


_HEADING = re.compile(r"<(/?)h([1-6])>")


@register.filter
def demote_headings(html: str) -> SafeString:
    """Shift a message's Markdown headings below the page's own (h1 → h3, capped at h6), so a
    "# Titre" in a message does not compete with the page title. The HTML is sanitised at
    write time and headings carry no attributes, so the tags are exactly ``<hN>``."""
    return mark_safe(  # noqa: S308 - input is the bleach-sanitised message HTML
        _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + 2)}>", html)
    )


# Spoken and shown as a tooltip: a bare emoji is read out differently by each screen reader.
EMOJI_NAMES = {
    "👍": _("d'accord"),
    "❤️": _("j'aime"),
    "😄": _("sourire"),
    "🎉": _("bravo"),
    "🙏": _("merci"),
    "👀": _("je regarde"),
    "💡": _("bonne idée"),
}


@register.filter
def emoji_name(emoji: str) -> str:
    return str(EMOJI_NAMES.get(emoji, emoji))


@register.filter
def excerpt(message: Message) -> str:
    """The start of a quoted message, as replies show it (same as the API's quote)."""
    return str(quote_of(message)["excerpt"])
