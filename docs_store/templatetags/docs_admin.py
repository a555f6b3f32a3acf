"""What the admin says about document uploads."""

from __future__ import annotations

from django import template

from docs_store import antivirus

register = template.Library()


@register.simple_tag
def uploads_scanned() -> bool:
    return antivirus.configured()
