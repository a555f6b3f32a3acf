"""How a document shows on its page: a preview in the browser for PDF and images, and an icon
for its kind of file (inline SVG: no request, no font, the same under any CSP)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from docs_store.downloads import is_inline

register = template.Library()

#: MIME type prefix or exact type -> (label drawn on the icon, colour).
KINDS = (
    ("application/pdf", "PDF", "#b3261e"),
    ("image/", "IMG", "#6a3d9a"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml", "DOC", "#1f5fae"),
    ("application/msword", "DOC", "#1f5fae"),
    ("application/vnd.oasis.opendocument.text", "DOC", "#1f5fae"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml", "XLS", "#1e6b3a"),
    ("application/vnd.ms-excel", "XLS", "#1e6b3a"),
    ("application/vnd.oasis.opendocument.spreadsheet", "XLS", "#1e6b3a"),
    ("text/csv", "CSV", "#1e6b3a"),
    ("application/vnd.openxmlformats-officedocument.presentationml", "PPT", "#b4501d"),
    ("application/vnd.ms-powerpoint", "PPT", "#b4501d"),
    ("application/vnd.oasis.opendocument.presentation", "PPT", "#b4501d"),
    ("application/zip", "ZIP", "#4d5866"),
    ("text/", "TXT", "#4d5866"),
)


def kind_of(content_type: str) -> tuple[str, str]:
    for prefix, label, colour in KINDS:
        if content_type.startswith(prefix):
            return label, colour
    return "", "#4d5866"


@register.filter
def preview_kind(content_type: str) -> str:
    """"image", "pdf" or "" — only the types the download already serves inline (sandboxed)."""
    if not content_type or not is_inline(content_type):
        return ""
    return "pdf" if content_type == "application/pdf" else "image"


@register.filter
def file_icon(content_type: str) -> SafeString:
    """A page with a folded corner and the kind's short label; decorative (the type is
    written beside it)."""
    label, colour = kind_of(content_type or "")
    return format_html(
        '<svg class="file-icon" viewBox="0 0 32 40" width="28" height="35" aria-hidden="true" '
        'focusable="false"><path d="M3 1h18l8 8v29a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V2a1 1 0 0 1 '
        '1-1z" fill="#fff" stroke="{}" stroke-width="2"/><path d="M21 1v8h8" fill="none" '
        'stroke="{}" stroke-width="2"/>{}</svg>',
        colour, colour,
        format_html('<rect x="0" y="22" width="26" height="11" rx="2" fill="{}"/><text x="13" '
                    'y="30.5" text-anchor="middle" font-size="8.5" font-weight="700" '
                    'font-family="sans-serif" fill="#fff">{}</text>', colour, label)
        if label else "")
