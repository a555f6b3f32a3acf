"""Full-text search over the thread titles and messages a person may read, French-aware.

The index lives in the database, outside the models (migration 0003_search):

* PostgreSQL: a stored ``search_vector`` (``fr_unaccent`` configuration: unaccent, then the
  French Snowball stemmer) on messages and threads, with GIN indexes; excerpts come from
  ``ts_headline``.
* SQLite: FTS5 external-content tables (``unicode61 remove_diacritics 2``) kept in step by
  triggers; excerpts come from ``snippet()``.

Query words are matched as prefixes (on PostgreSQL, words of 5 letters or more, after
stemming), which covers what the stemmer does not ("dejeuner" is stemmed ``dejeun`` but
"déjeuners" ``dejeuner``) and stands in for the stemmer SQLite lacks ("causerie*" matches
"causeries"). A final plural "s" is dropped first so "rencontres" finds "rencontre". All words
must match (AND); punctuation is ignored, so nothing typed reaches the query languages as syntax.

Ranking: the 1,000 most recent matching messages (and thread titles) are ranked by relevance
(``ts_rank`` / ``bm25``, a title match counting double); bounding the candidates keeps a common
word as cheap as a rare one (bench/search.py), at the price of at most 50 pages.

A result is a message: one whose body matches, or the first message of a thread whose title
matches. Deleted messages are never found. Only spaces the person belongs to are searched;
active platform staff search every space.
"""

from __future__ import annotations

import html
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from communities.access import is_platform_staff
from communities.errors import ServiceError
from communities.markdown import plain_fragment, plain_text
from communities.models import Membership, Message, Space, Thread, User

PAGE_SIZE = 20
MAX_QUERY_CHARS = 200
MAX_TERMS = 12
#: Words shorter than this are matched whole on PostgreSQL (a prefix "mar*" is too broad).
MIN_PREFIX_CHARS = 5
EXCERPT_WORDS = 30
#: A title match weighs twice a body match.
TITLE_WEIGHT = 2
#: Only the most recent matches are ranked (so at most MAX_CANDIDATES / PAGE_SIZE pages): a
#: common word costs the same as a rare one.
MAX_CANDIDATES = 1000

# Articles, prepositions and pronouns that carry no meaning on their own. PostgreSQL's French
# configuration drops them anyway; SQLite's prefix queries would otherwise turn "de" into
# "every word that starts with de".
STOP_WORDS = frozenset({"a", "à", "au", "aux", "avec", "c", "ce", "ces", "cet", "cette", "d",
    "dans", "de", "des", "du", "elle", "elles", "en", "et", "il", "ils", "j", "je", "l", "la",
    "le", "les", "leur", "leurs", "lui", "m", "ma", "mes", "mon", "n", "ne", "nos", "notre",
    "nous", "on", "ou", "où", "par", "pas", "pour", "qu", "que", "qui", "s", "sa", "se", "ses",
    "son", "sur", "t", "ta", "tes", "ton", "tu", "un", "une", "vos", "votre", "vous", "y"})

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class ParsedQuery:
    #: The words as understood, lowercased, in order (shown back to the person).
    text: str
    #: The words that are searched for, plural "s" removed, without stop words.
    terms: tuple[str, ...]


def parse_query(raw: str | None) -> ParsedQuery:
    """Normalise what was typed: Unicode NFC, lowercase, punctuation ignored, at most
    ``MAX_QUERY_CHARS`` characters and ``MAX_TERMS`` words. Raises ServiceError when nothing
    searchable is left."""
    text = unicodedata.normalize("NFC", raw or "")[:MAX_QUERY_CHARS].lower()
    words = _WORD.findall(text)
    if not words:
        raise ServiceError("empty_query",
                           _("Saisissez au moins un mot à rechercher."))
    terms: list[str] = []
    for word in words:
        if word in STOP_WORDS:
            continue
        term = _singular(word)
        if term not in terms:
            terms.append(term)
    return ParsedQuery(text=" ".join(words), terms=tuple(terms[:MAX_TERMS]))


def _singular(word: str) -> str:
    """Drop a plural "s" ("rencontres" → "rencontre"); "x" plurals are left to the stemmer
    ("travaux"), and so are short words and "ss" endings."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


# --- the query languages ---------------------------------------------------------------------
def _tsquery(terms: Sequence[str]) -> str:
    """``to_tsquery`` text: every term, prefix-matched when long enough. Terms are made of
    letters and digits only (see ``_WORD``), so quoting them is enough."""
    return " & ".join(f"'{t}':*" if len(t) >= MIN_PREFIX_CHARS else f"'{t}'" for t in terms)


def _fts5_query(terms: Sequence[str]) -> str:
    """FTS5 MATCH text: every term as a quoted prefix."""
    return " AND ".join(f'"{t}"*' for t in terms)


# --- results ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hit:
    message: Message
    thread: Thread
    space: Space
    #: Escaped text of the message with the matched words in <mark>.
    excerpt_html: SafeString

    @property
    def url(self) -> str:
        path = reverse("thread", kwargs={"slug": self.space.slug, "thread_id": self.thread.pk})
        # ?message= makes the thread page open on the page that holds the message.
        return f"{path}?message={self.message.pk}#message-{self.message.pk}"

    @property
    def created_at(self) -> datetime:
        return self.message.created_at


@dataclass(frozen=True)
class SearchPage:
    query: str
    page: int
    has_next: bool
    hits: list[Hit]


def search(*, user: User, q: str | None, space: Space | None = None,
           page: int = 1) -> SearchPage:
    """One page of what ``user`` may read that matches ``q``, best match first.

    ``space`` narrows the search; it never widens it: a space the person does not belong to
    gives no result (callers check it with selectors.visible_space to answer "not found")."""
    if page < 1:
        raise ServiceError("invalid_page", _("Le numéro de page doit être 1 ou plus."))
    parsed = parse_query(q)
    # Past the last page there is nothing to rank, and a huge number would overflow the
    # database's integer on the way to OFFSET.
    beyond_candidates = page > MAX_CANDIDATES // PAGE_SIZE + 1
    if (not parsed.terms or not user.is_authenticated or not user.is_active
            or beyond_candidates):
        return SearchPage(query=parsed.text, page=page, has_next=False, hits=[])
    vendor = connection.vendor
    if vendor == "postgresql":
        rows = _postgres_ids(user=user, terms=parsed.terms, space=space, page=page)
    elif vendor == "sqlite":
        rows = _sqlite_ids(user=user, terms=parsed.terms, space=space, page=page)
    else:
        raise ServiceError("search_unavailable",
                           _("La recherche n'est pas offerte sur cette base de données."),
                           status=501)
    has_next = len(rows) > PAGE_SIZE
    ids = rows[:PAGE_SIZE]
    hits = _hits(ids, parsed.terms, vendor)
    return SearchPage(query=parsed.text, page=page, has_next=has_next, hits=hits)


def _scope(user: User, space: Space | None) -> tuple[str, dict[str, Any]]:
    """SQL condition on ``t.space_id`` limiting a query to what ``user`` may read."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if not is_platform_staff(user):
        clauses.append(f"t.space_id IN (SELECT space_id FROM {Membership._meta.db_table} "  # noqa: S608
                       "WHERE user_id = %(user)s)")
        params["user"] = user.pk
    if space is not None:
        # A space's scope holds its committees too; membership above still limits it to
        # the committees the person is in.
        clauses.append(f"t.space_id IN (SELECT id FROM {Space._meta.db_table} "  # noqa: S608
                       "WHERE id = %(space)s OR parent_id = %(space)s)")
        params["space"] = space.pk
    return "".join(f" AND {clause}" for clause in clauses), params


MESSAGE_TABLE = Message._meta.db_table
THREAD_TABLE = Thread._meta.db_table


def _run_ids(sql: str, params: dict[str, Any], page: int) -> list[int]:
    params = {**params, "limit": PAGE_SIZE + 1, "offset": (page - 1) * PAGE_SIZE}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


# Both queries take the MAX_CANDIDATES most recent matching messages (and thread titles) and
# rank those: ranking every match of a common word means reading every matching row, while
# walking the primary key backwards stops early. The tsquery is written inline (not in a CTE)
# so the planner sees a constant and estimates how many rows match.
def _postgres_ids(*, user: User, terms: Sequence[str], space: Space | None,
                  page: int) -> list[int]:
    scope, params = _scope(user, space)
    query = "to_tsquery('fr_unaccent', %(query)s)"
    sql = f"""
        WITH body AS (
            SELECT m.id AS message_id, m.search_vector AS vector
            FROM {MESSAGE_TABLE} m JOIN {THREAD_TABLE} t ON t.id = m.thread_id
            WHERE m.search_vector @@ {query} AND m.deleted_at IS NULL{scope}
            ORDER BY m.id DESC LIMIT {MAX_CANDIDATES}
        ), titles AS (
            SELECT first_message.id AS message_id, t.search_vector AS vector
            FROM {THREAD_TABLE} t CROSS JOIN LATERAL (
                SELECT m1.id FROM {MESSAGE_TABLE} m1
                WHERE m1.thread_id = t.id AND m1.deleted_at IS NULL
                ORDER BY m1.created_at, m1.id LIMIT 1
            ) first_message
            WHERE t.search_vector @@ {query}{scope}
            ORDER BY t.id DESC LIMIT {MAX_CANDIDATES}
        ), hits AS (
            SELECT message_id, ts_rank(vector, {query}) AS rank FROM body
            UNION ALL
            SELECT message_id, {TITLE_WEIGHT} * ts_rank(vector, {query}) FROM titles
        )
        SELECT message_id FROM hits
        GROUP BY message_id ORDER BY sum(rank) DESC, message_id DESC
        LIMIT %(limit)s OFFSET %(offset)s
    """  # noqa: S608 - table names come from the models, values are parameters
    return _run_ids(sql, {**params, "query": _tsquery(terms)}, page)


def _sqlite_ids(*, user: User, terms: Sequence[str], space: Space | None,
                page: int) -> list[int]:
    scope, params = _scope(user, space)
    # bm25() is lower for better matches, hence the minus sign.
    sql = f"""
        WITH body AS (
            SELECT m.id AS message_id, -bm25(communities_message_fts) AS rank
            FROM communities_message_fts
            JOIN {MESSAGE_TABLE} m ON m.id = communities_message_fts.rowid
            JOIN {THREAD_TABLE} t ON t.id = m.thread_id
            WHERE communities_message_fts MATCH %(match)s AND m.deleted_at IS NULL{scope}
            ORDER BY m.id DESC LIMIT {MAX_CANDIDATES}
        ), titles AS (
            SELECT (SELECT m1.id FROM {MESSAGE_TABLE} m1
                    WHERE m1.thread_id = t.id AND m1.deleted_at IS NULL
                    ORDER BY m1.created_at, m1.id LIMIT 1) AS message_id,
                   -{TITLE_WEIGHT} * bm25(communities_thread_fts) AS rank
            FROM communities_thread_fts
            JOIN {THREAD_TABLE} t ON t.id = communities_thread_fts.rowid
            WHERE communities_thread_fts MATCH %(match)s{scope}
            ORDER BY t.id DESC LIMIT {MAX_CANDIDATES}
        )
        SELECT message_id FROM (SELECT * FROM body UNION ALL SELECT * FROM titles)
        WHERE message_id IS NOT NULL
        GROUP BY message_id ORDER BY sum(rank) DESC, message_id DESC
        LIMIT %(limit)s OFFSET %(offset)s
    """  # noqa: S608 - table names come from the models, values are parameters
    return _run_ids(sql, {**params, "match": _fts5_query(terms)}, page)


# --- excerpts --------------------------------------------------------------------------------
def _markers() -> tuple[str, str]:
    """Start and stop markers nobody can type in advance: letters and digits only, so HTML
    escaping leaves them intact and they are swapped for <mark> after escaping."""
    nonce = secrets.token_hex(8)
    return f"HLS{nonce}X", f"HLE{nonce}X"


def _to_html(escaped: str, start: str, stop: str) -> SafeString:
    """Text whose HTML special characters are already escaped, with markers → safe HTML.
    ``<`` and ``>`` cannot be present; replacing them again is a no-op kept as a guard."""
    guarded = escaped.replace("<", "&lt;").replace(">", "&gt;")
    return mark_safe(  # noqa: S308 - escaped above; the only tags are the ones added here
        " ".join(guarded.split()).replace(start, "<mark>").replace(stop, "</mark>")
    )


def _plain_excerpt(body: str) -> SafeString:
    words = plain_text(body).split()
    text = " ".join(words[:EXCERPT_WORDS]) + (" …" if len(words) > EXCERPT_WORDS else "")
    return mark_safe(html.escape(text, quote=False))  # noqa: S308 - escaped


def _hits(ids: list[int], terms: Sequence[str], vendor: str) -> list[Hit]:
    if not ids:
        return []
    start, stop = _markers()
    messages = Message.objects.filter(pk__in=ids).select_related("thread__space__parent", "author")
    by_id: dict[int, Message] = {}
    excerpts: dict[int, SafeString] = {}
    if vendor == "postgresql":
        options = (f"StartSel={start}, StopSel={stop}, MaxWords={EXCERPT_WORDS}, MinWords=12, "
                   'ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "')
        # The body is HTML-escaped *before* ts_headline, which would otherwise drop anything
        # that looks like a tag ("<script>" must show as text); its output is then only
        # escaped text plus the markers.
        escaped_body = (f"replace(replace(replace({MESSAGE_TABLE}.body, '&', '&amp;'), "
                        "'<', '&lt;'), '>', '&gt;')")
        annotated = messages.annotate(headline=RawSQL(  # noqa: S611 - values are parameters
            f"ts_headline('fr_unaccent', {escaped_body}, to_tsquery('fr_unaccent', %s), %s)",
            [_tsquery(terms), options],
        ))
        for message in annotated:
            by_id[message.pk] = message
            excerpts[message.pk] = _to_html(plain_fragment(message.headline), start, stop)
    else:
        by_id.update((message.pk, message) for message in messages)
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (f"SELECT rowid, snippet(communities_message_fts, 0, %s, %s, ' … ', "  # noqa: S608
               f"{EXCERPT_WORDS}) FROM communities_message_fts "
               f"WHERE communities_message_fts MATCH %s AND rowid IN ({placeholders})")
        with connection.cursor() as cursor:
            cursor.execute(sql, [start, stop, _fts5_query(terms), *ids])
            for message_id, snippet in cursor.fetchall():
                excerpts[message_id] = _to_html(plain_fragment(html.escape(snippet, quote=False)),
                                                start, stop)
    hits = []
    for message_id in ids:
        hit = by_id.get(message_id)
        if hit is None:  # deleted between the two queries
            continue
        excerpt = excerpts.get(message_id) or _plain_excerpt(hit.body)
        hits.append(Hit(message=hit, thread=hit.thread, space=hit.thread.space,
                        excerpt_html=excerpt))
    return hits


# --- keeping the SQLite index whole ----------------------------------------------------------
SQLITE_INDEXES = (
    (MESSAGE_TABLE, "body", "communities_message_fts"),
    (THREAD_TABLE, "title", "communities_thread_fts"),
)


def _sqlite_triggers(table: str, column: str, fts: str) -> dict[str, str]:
    # Names come from SQLITE_INDEXES, never from input.
    return {
        f"{fts}_ai": f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "  # noqa: S608
                     f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
        f"{fts}_ad": f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "  # noqa: S608
                     f"INSERT INTO {fts}({fts}, rowid, {column}) "
                     f"VALUES ('delete', old.id, old.{column}); END",
        f"{fts}_au": f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {column} ON "  # noqa: S608
                     f"{table} BEGIN INSERT INTO {fts}({fts}, rowid, {column}) "
                     f"VALUES ('delete', old.id, old.{column}); "
                     f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
    }


def repair_sqlite_index(using: str = "default", **_kwargs: Any) -> None:
    """After ``migrate`` on SQLite: Django rebuilds a table (new table, copy, drop, rename) for
    some schema changes, and dropping the old table drops its triggers. Re-create any missing
    trigger and re-index from scratch, since writes made without them were not indexed."""
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        cursor.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {name for name, _kind in cursor.fetchall()}
        for table, column, fts in SQLITE_INDEXES:
            if fts not in present:  # migration 0003 not applied (yet, or reversed)
                continue
            missing = [sql for name, sql in _sqlite_triggers(table, column, fts).items()
                       if name not in present]
            for statement in missing:
                cursor.execute(statement)
            if missing:
                cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")  # noqa: S608
