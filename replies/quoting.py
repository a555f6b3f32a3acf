"""From the text of a reply to what the member wrote: quoted text, the quote header their mail
client added ("Le jeu. 5 juin 2025 à 13 h 30, … a écrit :", "On … wrote:", Outlook's
"De : / Envoyé :" block), signatures ("-- ", "Cordialement", "Envoyé de mon iPhone") removed.

mail-parser-reply knows the French and English headers and signatures; this module only
prepares the text for it (spaces and wrapped header lines as real clients send them), keeps
the indentation of nested lists and code it would flatten, and removes the ``>`` quote it
leaves when someone answers below it (keeping the quoted points of a point-by-point answer).
"""

from __future__ import annotations

import re

from mailparser_reply.parser import EmailMessage

LANGUAGES = ["fr", "en"]

# Gmail in French puts a narrow no-break space before the colon of "a écrit :", Outlook a
# no-break space in "De :"; the library's patterns expect ordinary spaces.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u200b": "",
                         "\ufeff": "", "\u200e": "", "\u200f": ""})
# Mail clients wrap a long quote header ("Le … <adresse\n@exemple> a écrit :") over two or
# three lines; the library matches one line, so such a header is joined back first.
_WRAPPED_HEADER = re.compile(
    r"^(?P<head>(?:Le|On) [^\n]{0,200})\n(?P<tail>(?:[^\n]{0,200}\n)?[^\n]{0,200}"
    r"(?:a écrit ?:|wrote:))[ \t]*$",
    re.MULTILINE,
)
# Outlook's French separator; the library knows only "-----Original Message-----".
_ORIGINAL_MESSAGE = re.compile(r"^[ \t]*-{3,} ?(?:Message d'origine|Message original) ?-{3,}"
                               r"[ \t]*$", re.MULTILINE | re.IGNORECASE)
# "Sent from my phone" lines the library does not know in French, and the rule lines Outlook
# puts above the quote, removed only where they end the message.
_TRAILER = re.compile(
    r"(?:\n\s*(?:(?:Envoyé de mon|Envoyé à partir de|Envoyé depuis|Sent from my|Sent from|"
    r"Obtenir Outlook pour|Télécharger Outlook pour|Get Outlook for)\b[^\n]*|[_-]{8,}))+"
    r"\s*\Z",
    re.IGNORECASE,
)


class _ReplyMessage(EmailMessage):
    """mail-parser-reply 1.36's French "a écrit :" pattern captures the name inside the
    header as a group of its own, which the parser then takes for a second header and cuts
    the text at it ("Le 5 juin, X a écrit :" above a reply left only "Le"). The name is made
    a non-capturing group; everything else is the library's."""

    def _get_language_regex(self, language: str, regex_key: str) -> str:
        pattern = super()._get_language_regex(language=language, regex_key=regex_key)
        pattern = pattern.replace(r"Le\s(.+?)a \u00e9crit", r"Le\s(?:.+?)a \u00e9crit")
        if language == "fr" and regex_key == "from_header":
            # Outlook for Mac writes "De : / Date : / À : / Objet :".
            pattern = pattern.replace("(?:De |", "(?:De |Date |", 1)
        return pattern

    def _normalize_text(self) -> None:
        # The library strips every line, which flattens a member's nested list or indented
        # code block. Those lines keep their indentation (a signature is never a list item or
        # an indented block after a blank line); every other line is the library's.
        # vars(): the library's dataclass is untyped, so mypy cannot see its field's type.
        text: str = vars(self)["text"]
        original = text.replace("\r\n", "\n").split("\n")
        super()._normalize_text()
        normalised = str(vars(self)["text"]).split("\n")
        if len(original) != len(normalised):  # the library split a line: keep its text
            return
        kept: list[str] = []
        in_code = False
        for line, stripped in zip(original, normalised, strict=True):
            in_code = (bool(_CODE_LINE.match(line)) and not _HEADER_LIKE.search(line)
                       and (in_code or not kept or not kept[-1]))
            kept.append(line.rstrip() if in_code or _NESTED_ITEM.match(line) else stripped)
        self.text = "\n".join(kept)


_NESTED_ITEM = re.compile(r"^(?: {2,}|\t)(?:[-*+]|\d{1,9}[.)]) \S")
_CODE_LINE = re.compile(r"^(?: {4,}|\t)\S")
# Some clients indent the quote header itself.
_HEADER_LIKE = re.compile(r"(?:a écrit ?:|wrote:)\s*$|^\s*(?:De|From|Envoyé|Sent|Date|À|To|Objet|"
                          r"Subject) ?:", re.IGNORECASE)


# Control characters have no place in a message (and PostgreSQL refuses NUL in text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_QUOTED_LINE = re.compile(r"^[ \t]*>")


def _without_the_quoted_message(text: str) -> str:
    """Drop the quote above or below the answer, keep quotes the answer is written between.

    Someone answering point by point ("> Qui vient ?" / "Moi." / "> Qui apporte les plans ?"
    / "Je m'en charge.") needs the quoted lines for the answers to make sense; a quote that
    only precedes or follows the whole answer is the message being replied to."""
    blocks: list[tuple[bool, list[str]]] = []
    for line in text.split("\n"):
        quoted = bool(_QUOTED_LINE.match(line))
        if blocks and (blocks[-1][0] == quoted or not line.strip()):
            blocks[-1][1].append(line)
        else:
            blocks.append((quoted, [line]))
    answers = [i for i, (quoted, lines) in enumerate(blocks)
               if not quoted and any(line.strip() for line in lines)]
    if not answers:
        return ""
    first, last = answers[0], answers[-1]
    point_by_point = any(blocks[i][0] for i in range(first, last))
    kept = blocks[:last + 1] if point_by_point else blocks[first:last + 1]
    # A blank line after each block: without it Markdown would take the answer that follows a
    # quoted line for the rest of the quote.
    return "\n\n".join("\n".join(lines).strip("\n") for _quoted, lines in kept)
_BLANK_RUNS = re.compile(r"\n{3,}")


def _prepare(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_SPACES)
    text = _CONTROL.sub("", text)
    return _WRAPPED_HEADER.sub(lambda m: m["head"] + " " + m["tail"].replace("\n", " "), text)


# Some of the library's patterns take time quadratic in a line's length (90,000 characters
# of "Le Le Le …" on one line took 80 s), so it only ever sees lines of at most RFC 5322's 998
# characters (longer ones are set aside and put back: no quote header is that long) and the
# first 100,000 characters, five times what a message may hold (the new text comes first).
MAX_PARSED_CHARS = 100_000
MAX_LINE_CHARS = 998
_LONG_LINE = re.compile(rf"^[^\n]{{{MAX_LINE_CHARS + 1},}}$", re.MULTILINE)
_SHELF = re.compile("\ue000(\\d+)\ue001")


def _shelve_long_lines(text: str) -> tuple[str, list[str]]:
    shelved: list[str] = []

    def shelve(match: re.Match[str]) -> str:
        shelved.append(match[0])
        return f"\ue000{len(shelved) - 1}\ue001"

    return _LONG_LINE.sub(shelve, text), shelved


def reply_text(text: str) -> str:
    """The new text of a reply, without what it quotes and without the signature ("" when
    nothing is left)."""
    # The private-use characters that mark shelved lines cannot come from the mail itself.
    prepared = _prepare(text[:MAX_PARSED_CHARS]).replace("\ue000", "").replace("\ue001", "")
    prepared, shelved = _shelve_long_lines(prepared)
    if separator := _ORIGINAL_MESSAGE.search(prepared):
        prepared = prepared[:separator.start()]
    # keep_hyphen_lists: a "- point" list is Markdown a member may write, not a signature.
    parsed = _ReplyMessage(text=prepared, languages=list(LANGUAGES),
                          keep_hyphen_lists=True).read()
    latest = parsed.replies[0].body if parsed.replies else prepared
    latest = _without_the_quoted_message(latest)
    latest = _TRAILER.sub("", "\n" + latest)
    latest = _SHELF.sub(lambda match: shelved[int(match[1])], latest)
    return _BLANK_RUNS.sub("\n\n", latest).strip()
