"""People wherever they appear: the avatar (their photo, or their initials without one) and
the link to their profile."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from communities.models import User

register = template.Library()


def photo_token(person: User) -> str:
    """The random part of the stored photo's name."""
    return person.photo.rsplit("/", 1)[-1].removesuffix(".jpg")


def photo_url(person: User) -> str:
    """The photo's address carries its stored name's random part, so a new photo is a new
    URL (cached privately for a long time) and an old address stops working."""
    if not person.photo:
        return ""
    return reverse("profile-photo", args=[person.pk, photo_token(person)])


@register.inclusion_tag("frontend/profiles/avatar.html")
def avatar(person: User | None, size: str = "small") -> dict[str, Any]:
    """``{% avatar user %}`` (small, 2.25 rem) or ``{% avatar user "large" %}`` (8 rem). The
    image is decorative (the name is always written beside it), hence its empty alt."""
    if not isinstance(person, User):
        return {"person": None}
    return {"person": person, "url": photo_url(person), "size": size,
            "pixels": 128 if size == "large" else 36}
