"""Markdown to safe HTML. The parser never passes raw HTML through, and bleach then keeps only
an allowlist, so a parser bug alone cannot inject markup."""

from __future__ import annotations

import html
import re
from collections.abc import MutableMapping
from functools import lru_cache, partial

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).disable(
    "image"
)

ALLOWED_TAGS = frozenset({
    "p", "br", "em", "strong", "ul", "ol", "li", "a", "blockquote", "code", "pre", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "ol": ["start"]}
# Mentions are added after sanitising (communities/mentions.py); a span typed by an author is
# not in the allowlist, so nobody can forge one.
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
SAFE_REL = "nofollow noopener noreferrer"


def _harden_links(attrs: MutableMapping[tuple[str | None, str], str],
                  new: bool = False) -> MutableMapping[tuple[str | None, str], str]:
    attrs[(None, "rel")] = SAFE_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    filters=[partial(LinkifyFilter, callbacks=[_harden_links], skip_tags={"pre", "code"})],
)


def render_markdown(source: str) -> str:
    """Render the documented Markdown subset and return HTML safe to insert in a page."""
    return _cleaner.clean(_parser.render(source)).strip()


# --- plain text ------------------------------------------------------------------------------
# What readers see where a message is quoted as words only (search results, digests, notices,
# reply quotes, confirmations): the text without its Markdown, mentions as "@Name". Parsed with
# the same parser as the page, so "**gras**" and a link read exactly as they do rendered.
_BOUND_MENTION = re.compile(r"@\*\*([^*\n]{1,120}?)(?:\|\d{1,19})?\*\*")
_MD_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")
_BLOCK_ENDS = frozenset({"paragraph_close", "heading_close", "list_item_close",
                         "blockquote_close", "bullet_list_close", "ordered_list_close"})


def _mention_text(match: re.Match[str]) -> str:
    # The name is escaped so that a "_" or "*" in it stays a letter, not emphasis.
    return "@" + _MD_PUNCTUATION.sub(r"\\\1", match.group(1).strip())


# Text without any of these has no Markdown to take out: most messages skip the parser.
_MAYBE_SYNTAX = re.compile(r"[*_`\[\]#>\\<&!~|]|^[ \t]*(?:[-+=]|\d{1,9}[.)])(?:[ \t]|$)|^ {4}",
                           re.MULTILINE)


@lru_cache(maxsize=1024)
def plain_text(source: str) -> str:
    """The words of a Markdown message without its syntax: ``**gras**`` → ``gras``,
    ``[site](https://x)`` → ``site``, ``@**Chantal|12**`` → ``@Chantal``. Blocks are separated
    by a line break; callers that want one line collapse the whitespace. Cached: a digest
    quotes the same message to every member."""
    source = source or ""
    if not _MAYBE_SYNTAX.search(source):
        return "\n".join(line.strip() for line in source.strip().splitlines() if line.strip())
    blocks: list[str] = []
    current: list[str] = []
    for token in _parser.parse(_BOUND_MENTION.sub(_mention_text, source)):
        if token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    current.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    current.append("\n")
        elif token.type in ("fence", "code_block"):
            current.append(token.content.rstrip("\n"))
        elif token.type == "hr":
            current.append("—")
        ends_block = token.type in _BLOCK_ENDS or token.type in ("fence", "code_block", "hr")
        if ends_block and current:
            blocks.append("".join(current))
            current = []
    if current:
        blocks.append("".join(current))
    return "\n".join(block for block in blocks if block.strip())


def plain_line(source: str, limit: int | None = None) -> str:
    """``plain_text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(plain_text(source).split())
    if limit is not None and len(flat) > limit:
        return flat[:limit].rstrip() + "…"
    return flat


# Search engines cut their excerpts out of the stored text, so the Markdown there may be cut
# in half: these patterns remove the syntax from such a fragment (already HTML-escaped).
_FRAGMENT_RULES = (
    (re.compile(r"@\*\*([^*|\n]{1,120}?)(?:\|\d{1,19})?\*\*"), r"@\1"),
    (re.compile(r"\|\d{1,19}\*\*"), ""),
    (re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)?"), r"\1"),
    (re.compile(r"(?m)^[ \t]*(?:&gt;[ \t]?)+"), ""),
    (re.compile(r"(?m)^[ \t]*#{1,6}[ \t]+"), ""),
    (re.compile(r"(?m)^[ \t]*[-+*][ \t]+"), ""),
    (re.compile(r"\*\*+|__+|`+"), ""),
    (re.compile(r"(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*])"), ""),
)


def plain_fragment(escaped: str) -> str:
    """A piece of stored Markdown (HTML-escaped) without its syntax, for search excerpts."""
    for pattern, replacement in _FRAGMENT_RULES:
        escaped = pattern.sub(replacement, escaped)
    return escaped


# --- the composer's two faces ---------------------------------------------------------------
# A stored mention is ``@**Name|id**``. Nobody should have to read that: the rich editor shows
# it as a chip, and the plain textarea (without JavaScript) as ``@Name``, bound back on save.
_RENDERED_MENTION = re.compile(r"@<strong>([^<|]{1,200}?)(?:\|(\d{1,19}))?</strong>")


def _chip(match: re.Match[str]) -> str:
    # The name is already escaped by the sanitiser; it is unescaped once and escaped again
    # for the attribute, so a quote in a name cannot leave it.
    name = html.unescape(match.group(1)).strip()
    user = match.group(2) or ""
    return (f'<span class="mention-chip" contenteditable="false" data-mention="{user}" '
            f'data-name="{html.escape(name, quote=True)}">@{html.escape(name)}</span>')


def editor_html(source: str) -> str:
    """What the rich editor starts from: the message rendered by the same safe renderer as
    the page, each mention an atomic chip that the editor writes back as ``@**Name|id**``."""
    return _RENDERED_MENTION.sub(_chip, render_markdown(source or ""))


def mentions_as_names(source: str) -> str:
    """The stored text as the plain textarea shows it: ``@**Name|12**`` → ``@Name``, nothing
    else changed. A name that two different people mentioned here share keeps its stored form,
    since ``@Name`` could not say which of them it was."""
    ambiguous = _ambiguous_names(source)
    return _BOUND_MENTION.sub(
        lambda m: m.group(0) if m.group(1).strip() in ambiguous else "@" + m.group(1).strip(),
        source)


_STORED_MENTION = re.compile(r"@\*\*([^*\n]{1,120}?)(?:\|(\d{1,19}))?\*\*")


def _mentioned(source: str) -> dict[str, set[str | None]]:
    people: dict[str, set[str | None]] = {}
    for match in _STORED_MENTION.finditer(source or ""):
        people.setdefault(match.group(1).strip(), set()).add(match.group(2))
    return people


def _ambiguous_names(source: str) -> set[str]:
    return {name for name, ids in _mentioned(source).items() if len(ids) > 1}


def rebind_mentions(text: str, original: str) -> str:
    """``mentions_as_names`` undone on save: each ``@Name`` of someone the original message
    mentioned becomes their stored mention again. Names already in stored form, and names the
    original did not mention, are left as typed."""
    people = {name: ids.pop() for name, ids in _mentioned(original).items() if len(ids) == 1}
    if not people or not text:
        return text
    # Longest names first, so "@Marie-Ève Roy" is not taken for "@Marie".
    names = sorted(people, key=len, reverse=True)
    pattern = re.compile(r"(?<![*@\\])@(" + "|".join(re.escape(name) for name in names)
                         + r")(?![\w*|])")

    def bound(match: re.Match[str]) -> str:
        name = match.group(1)
        user = people[name]
        return f"@**{name}|{user}**" if user else f"@**{name}**"

    return pattern.sub(bound, text)
