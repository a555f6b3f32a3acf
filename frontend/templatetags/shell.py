"""Template helpers of the app shell: icons from the sprite and links to pages that may not
exist yet in every deployment."""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def icon(name: str, label: str = "") -> SafeString:
    """An icon of the sprite (frontend/static/frontend/icons.svg). Decorative by default,
    hidden from screen readers; with a label it is announced as an image of that name."""
    href = f"{static('frontend/icons.svg')}#i-{name}"
    if label:
        return format_html('<svg class="icon" role="img" aria-label="{}" focusable="false">'
                           '<use href="{}"></use></svg>', label, href)
    return format_html('<svg class="icon" aria-hidden="true" focusable="false">'
                       '<use href="{}"></use></svg>', href)


@register.simple_tag
def url_if_exists(name: str, *args: object) -> str:
    """The URL of a named page, or "" where it is not installed, so the shell can offer a
    link to a page another part of the product provides without failing when it is absent."""
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return ""


@register.filter
def at(items: object, index: int) -> object:
    """``items[index]``, or "" when there is none: a stacked table's cell names its column."""
    try:
        return items[index]  # type: ignore[index]
    except (IndexError, KeyError, TypeError):
        return ""
