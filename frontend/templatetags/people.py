"""People wherever they appear: the avatar (their photo, or their initials without one) and
the link to their profile."""

from __future__ import annotations

from typing import Any

from django import template

from communities.models import User
from communities.photos import photo_path

register = template.Library()




@register.inclusion_tag("frontend/profiles/avatar.html")
def avatar(person: User | None, size: str = "small") -> dict[str, Any]:
    """``{% avatar user %}`` (small, 2.25 rem) or ``{% avatar user "large" %}`` (8 rem). The
    image is decorative (the name is always written beside it), hence its empty alt."""
    if not isinstance(person, User):
        return {"person": None}
    return {"person": person, "url": photo_path(person), "size": size,
            "pixels": 128 if size == "large" else 36}
