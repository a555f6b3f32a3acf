"""Mentions in messages: ``@**Display Name**`` names a member, ``@space`` (or ``@espace``)
everyone in the space. Names are matched without regard to case or accents, only among the
space's members: a mention of anyone else stays plain text and notifies nobody.

Mentions are read from the rendered HTML, in text nodes only and never inside a link, code
or an attribute: ``[a](https://x/?q=@space)`` keeps its ``href`` whole and notifies nobody."""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from communities.markdown import render_markdown
from communities.models import Membership, Space

# What the Markdown renderer makes of ``@**Name**`` once sanitised. The sanitiser escapes
# ``<`` inside attribute values, so this can only match real markup.
RENDERED_PERSON = re.compile(r"@<strong>([^<]{1,200})</strong>")
RENDERED_EVERYONE = re.compile(r"(?<![\w@/])@(space|espace)\b", re.IGNORECASE)
_TAG = re.compile(r"<(/?)([a-zA-Z0-9]+)[^>]*>")
# Text in these elements is a URL, code, a link's words or a mention already marked.
_LITERAL = frozenset({"a", "code", "pre", "span"})


def fold(text: str) -> str:
    """Case- and accent-insensitive key: "Émilie" and "emilie" meet."""
    decomposed = unicodedata.normalize("NFKD", text.strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass
class Mentions:
    people: dict[int, str] = field(default_factory=dict)  # user id -> display name
    everyone: bool = False


@dataclass(frozen=True)
class Marked:
    """A message rendered to HTML with its mentions marked, and who they name."""

    html: str
    mentions: Mentions


class _FreeText:
    """Positions of sanitised HTML that are text outside tags and outside literal elements."""

    def __init__(self, rendered: str) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        depth, position = 0, 0
        for tag in _TAG.finditer(rendered):
            if depth == 0 and tag.start() > position:
                self.starts.append(position)
                self.ends.append(tag.start())
            if tag.group(2).lower() in _LITERAL:
                depth = max(0, depth + (-1 if tag.group(1) else 1))
            position = tag.end()
        if depth == 0 and position < len(rendered):
            self.starts.append(position)
            self.ends.append(len(rendered))

    def __contains__(self, position: int) -> bool:
        index = bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.ends[index]


def _sub_free(pattern: re.Pattern[str], rendered: str, free: _FreeText,
              replace: Callable[[re.Match[str]], str]) -> str:
    return pattern.sub(lambda m: replace(m) if m.start() in free else m.group(0), rendered)


def mark_mentions(body: str, *, space: Space, everyone_allowed: bool) -> Marked:
    """Render ``body`` and mark the members it names (and ``@space`` when the author may
    address everyone). Only text that the sanitiser let through is wrapped, and names are
    re-escaped, so nothing new can be injected."""
    rendered = render_markdown(body)
    free = _FreeText(rendered)
    wanted = {fold(html.unescape(m.group(1))) for m in RENDERED_PERSON.finditer(rendered)
              if m.start() in free}
    found = Mentions(everyone=everyone_allowed and any(
        m.start() in free for m in RENDERED_EVERYONE.finditer(rendered)))
    by_name: dict[str, tuple[int, str]] = {}
    if wanted:
        for user_id, name in Membership.objects.filter(space=space).values_list(
            "user_id", "user__display_name"
        ):
            if fold(name) in wanted:
                found.people[user_id] = name
                by_name[fold(name)] = (user_id, name)

    def person(match: re.Match[str]) -> str:
        hit = by_name.get(fold(html.unescape(match.group(1))))
        if hit is None:
            return match.group(0)
        return f'<span class="mention" data-user="{hit[0]}">@{html.escape(hit[1])}</span>'

    rendered = _sub_free(RENDERED_PERSON, rendered, free, person)
    if found.everyone:
        # Positions moved with the people marked above: measure the text again.
        rendered = _sub_free(
            RENDERED_EVERYONE, rendered, _FreeText(rendered),
            lambda m: f'<span class="mention mention-all">@{m.group(1)}</span>')
    return Marked(html=rendered, mentions=found)
