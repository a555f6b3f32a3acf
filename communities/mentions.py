"""Mentions in messages: ``@**Display Name|id**`` names a member, ``@space`` (or ``@espace``)
everyone in the space. A mention is bound to a person when it is written (the composer
inserts the id; a bare ``@**Display Name**`` naming one member gets it added in the stored
text), so a newcomer who later takes the same name is never the one named. Bare names are
matched without regard to case or accents, only among the space's members: a mention of
anyone else stays plain text and notifies nobody; a bare name two members share is refused.

Mentions are read from the rendered HTML, in text nodes only and never inside a link, code
or an attribute: ``[a](https://x/?q=@space)`` keeps its ``href`` whole and notifies nobody."""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from communities.errors import ServiceError
from communities.folding import fold
from communities.markdown import render_markdown
from communities.models import Membership, Space

# What the Markdown renderer makes of ``@**Name**`` once sanitised. The sanitiser escapes
# ``<`` inside attribute values, so this can only match real markup.
RENDERED_PERSON = re.compile(r"@<strong>([^<]{1,200})</strong>")
# ``Name|id``: the id names the person, the name is only what the author saw.
BOUND = re.compile(r"^(.*?)\|(\d{1,19})$", re.DOTALL)
# The source form, for excerpts and for binding bare names in the stored text.
SOURCE_PERSON = re.compile(r"@\*\*([^*\n]{1,120})\*\*")
RENDERED_EVERYONE = re.compile(r"(?<![\w@/])@(space|espace)\b", re.IGNORECASE)
_TAG = re.compile(r"<(/?)([a-zA-Z0-9]+)[^>]*>")
# Text in these elements is a URL, code, a link's words or a mention already marked.
_LITERAL = frozenset({"a", "code", "pre", "span"})


@dataclass
class Mentions:
    people: dict[int, str] = field(default_factory=dict)  # user id -> display name
    everyone: bool = False


@dataclass(frozen=True)
class Marked:
    """A message rendered to HTML with its mentions marked, who they name, and the text to
    store (bare names bound to their person's id)."""

    html: str
    mentions: Mentions
    body: str


def _split(text: str) -> tuple[str, int | None]:
    bound = BOUND.match(text)
    return (bound.group(1).strip(), int(bound.group(2))) if bound else (text.strip(), None)


def plain_mentions(text: str) -> str:
    """``@**Name|12**`` as a reader expects it in an excerpt: ``@Name``."""
    return SOURCE_PERSON.sub(lambda m: f"@{_split(m.group(1))[0]}", text)


def _resolve(written: set[str], space: Space) -> dict[str, tuple[int, str]]:
    """What each mention written (``Name`` or ``Name|id``) names: (user id, name shown)."""
    members = list(Membership.objects.filter(space=space)
                   .values_list("user_id", "user__display_name"))
    by_id = dict(members)
    resolved: dict[str, tuple[int, str]] = {}
    for text in written:
        name, user_id = _split(text)
        if user_id is not None:
            if user_id in by_id:
                resolved[text] = (user_id, by_id[user_id])
            continue
        same = [(pk, shown) for pk, shown in members if fold(shown) == fold(name)]
        if len(same) > 1:
            raise ServiceError("ambiguous_mention", _(
                "Plusieurs membres de l'espace s'appellent « %(name)s » : choisissez la bonne "
                "personne dans la liste qui s'ouvre quand vous tapez @.") % {"name": name})
        if same:
            resolved[text] = same[0]
    return resolved


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
    re-escaped, so nothing new can be injected. The name shown is the person's own, whatever
    was typed before the id."""
    rendered = render_markdown(body)
    free = _FreeText(rendered)
    written = {html.unescape(m.group(1)) for m in RENDERED_PERSON.finditer(rendered)
               if m.start() in free}
    found = Mentions(everyone=everyone_allowed and any(
        m.start() in free for m in RENDERED_EVERYONE.finditer(rendered)))
    resolved = _resolve(written, space) if written else {}
    found.people = {user_id: name for user_id, name in resolved.values()}

    def person(match: re.Match[str]) -> str:
        written_text = html.unescape(match.group(1))
        hit = resolved.get(written_text)
        if hit is None:  # nobody of the space: plain text, without an id
            return f"@<strong>{html.escape(_split(written_text)[0])}</strong>"
        return f'<span class="mention" data-user="{hit[0]}">@{html.escape(hit[1])}</span>'

    rendered = _sub_free(RENDERED_PERSON, rendered, free, person)
    if found.everyone:
        # Positions moved with the people marked above: measure the text again.
        rendered = _sub_free(
            RENDERED_EVERYONE, rendered, _FreeText(rendered),
            lambda m: f'<span class="mention mention-all">@{m.group(1)}</span>')
    return Marked(html=rendered, mentions=found, body=_bind(body, resolved))


def _bind(body: str, resolved: dict[str, tuple[int, str]]) -> str:
    """The text to store: each bare name that was resolved gets its person's id."""
    def bound(match: re.Match[str]) -> str:
        text = match.group(1)
        if _split(text)[1] is not None or text not in resolved:
            return match.group(0)
        return f"@**{text.strip()}|{resolved[text][0]}**"

    return SOURCE_PERSON.sub(bound, body)
