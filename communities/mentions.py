"""Mentions in messages: ``@**Display Name**`` names a member, ``@space`` (or ``@espace``)
everyone in the space. Names are matched without regard to case or accents, only among the
space's members: a mention of anyone else stays plain text and notifies nobody."""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from communities.models import Membership, Space

PERSON = re.compile(r"@\*\*([^*\n]{1,120})\*\*")
EVERYONE = re.compile(r"(?<![\w@])@(?:space|espace)\b", re.IGNORECASE)
# What the Markdown renderer makes of ``@**Name**`` once sanitised.
RENDERED_PERSON = re.compile(r"@<strong>([^<]{1,200})</strong>")
RENDERED_EVERYONE = re.compile(r"(?<![\w@/])@(space|espace)\b", re.IGNORECASE)


def fold(text: str) -> str:
    """Case- and accent-insensitive key: "Émilie" and "emilie" meet."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass
class Mentions:
    people: dict[int, str] = field(default_factory=dict)  # user id -> display name
    everyone: bool = False


def find_mentions(body: str, *, space: Space, everyone_allowed: bool) -> Mentions:
    wanted = {fold(name) for name in PERSON.findall(body)}
    found = Mentions(everyone=everyone_allowed and bool(EVERYONE.search(body)))
    if wanted:
        for user_id, name in Membership.objects.filter(space=space).values_list(
            "user_id", "user__display_name"
        ):
            if fold(name) in wanted:
                found.people[user_id] = name
    return found


def link_mentions(rendered: str, mentions: Mentions) -> str:
    """Mark resolved mentions in already-sanitised HTML. Only text that the sanitiser let
    through is wrapped, and names are re-escaped, so nothing new can be injected."""
    by_name = {fold(name): (user_id, name) for user_id, name in mentions.people.items()}

    def person(match: re.Match[str]) -> str:
        hit = by_name.get(fold(html.unescape(match.group(1))))
        if hit is None:
            return match.group(0)
        return f'<span class="mention" data-user="{hit[0]}">@{html.escape(hit[1])}</span>'

    rendered = RENDERED_PERSON.sub(person, rendered)
    if mentions.everyone:
        rendered = RENDERED_EVERYONE.sub(
            lambda m: f'<span class="mention mention-all">@{m.group(1)}</span>', rendered
        )
    return rendered
