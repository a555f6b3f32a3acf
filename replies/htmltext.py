"""HTML mail turned into plain text for replies sent without a text/plain part.

The quoted original and signatures that mail clients mark up (Gmail's ``gmail_quote``,
``blockquote`` from Apple Mail and Thunderbird, Outlook's ``divRplyFwdMsg`` header and what
follows it) are removed from the tree first; inscriptis then writes the text, honouring
block layout. Nothing is fetched or run: lxml builds a tree, scripts and styles are dropped.
"""

from __future__ import annotations

import logging

import lxml.html
from inscriptis import get_text
from lxml import etree

log = logging.getLogger(__name__)

_QUOTES = etree.XPath(
    "//blockquote | //script | //style | //head"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' gmail_quote ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' gmail_signature ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' moz-cite-prefix ')]"
    " | //*[contains(concat(' ', normalize-space(@class), ' '), ' moz-signature ')]"
    " | //*[@id='divRplyFwdMsg'] | //*[@id='divRplyFwdMsg']/following-sibling::*"
    " | //*[@id='appendonsend']/following-sibling::*"
)


# inscriptis costs about 0.1 ms per element (20,000 blocks: 2.3 s), so only the start of a
# long HTML body is read: a member's new text comes first, and what follows the first 512 KB
# of markup is the quoted thread, images inlined as data, or padding.
MAX_HTML_CHARS = 512 * 1024


def html_to_text(html: str) -> str:
    html = html[:MAX_HTML_CHARS]
    if not html.strip():
        return ""
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        log.info("unreadable HTML body")
        return ""
    for element in _QUOTES(tree):
        parent = element.getparent()
        if parent is not None:
            # drop_tree keeps the tail text that follows the element.
            element.drop_tree()
    return get_text(lxml.html.tostring(tree, encoding="unicode")).strip()
