"""Markdown to safe HTML. The parser never passes raw HTML through, and bleach then keeps only
an allowlist, so a parser bug alone cannot inject markup."""

from __future__ import annotations

from collections.abc import MutableMapping
from functools import partial

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
