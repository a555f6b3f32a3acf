"""Full-text search over the documents a person may read: title, description and the text
extracted from the current version, with the same French-aware query language as the
discussion search (communities/search.py: accents and plurals do not matter, every word must
match, words are prefixes).

The index lives outside the models (migration docs_store 0003_search): on PostgreSQL a stored,
weighted ``search_vector`` (title A, description B, extracted text D) with a GIN index; on
SQLite an FTS5 table kept by triggers. Documents in the trash are never found; only the spaces
the person belongs to are searched (active staff search every space, as for messages).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from communities.access import is_platform_staff
from communities.errors import ServiceError
from communities.models import Membership, Space, User

# One query language for messages and documents: the same words find the same things.
from communities.search import (
    EXCERPT_WORDS,
    _fts5_query,
    _markers,
    _to_html,
    _tsquery,
    parse_query,
)
from docs_store.models import Document

PAGE_SIZE = 20
#: Only the most recent matches are ranked, as for messages: a common word costs what a rare
#: one costs.
MAX_CANDIDATES = 1000
#: ts_headline parses the whole text it is given; the excerpt is taken from this much of the
#: extracted text (a match further on still finds the document, its excerpt is the start).
EXCERPT_SOURCE_CHARS = 20_000

DOCUMENT_TABLE = Document._meta.db_table
FTS_TABLE = "docs_store_document_fts"
FTS_COLUMNS = ("title", "description", "content_text")


@dataclass(frozen=True)
class DocumentHit:
    document: Document
    space: Space
    #: Escaped text from the description or the document's text, matched words in <mark>.
    excerpt_html: SafeString

    @property
    def url(self) -> str:
        return reverse("document", kwargs={"slug": self.space.slug,
                                           "document_id": self.document.pk})


@dataclass(frozen=True)
class DocumentSearchPage:
    query: str
    page: int
    has_next: bool
    hits: list[DocumentHit]


def search_documents(*, user: User, q: str | None, space: Space | None = None,
                     page: int = 1, page_size: int = PAGE_SIZE) -> DocumentSearchPage:
    """One page of the documents ``user`` may read that match ``q``, best match first.

    ``space`` narrows the search and never widens it. Raises ServiceError (French) for an
    empty query or a page below 1, like the discussion search."""
    if page < 1:
        raise ServiceError("invalid_page", _("Le numéro de page doit être 1 ou plus."))
    parsed = parse_query(q)
    beyond_candidates = page > MAX_CANDIDATES // page_size + 1
    if (not parsed.terms or not user.is_authenticated or not user.is_active
            or beyond_candidates):
        return DocumentSearchPage(query=parsed.text, page=page, has_next=False, hits=[])
    vendor = connection.vendor
    scope, params = _scope(user, space)
    params = {**params, "limit": page_size + 1, "offset": (page - 1) * page_size}
    if vendor == "postgresql":
        sql = _POSTGRES_SQL.format(table=DOCUMENT_TABLE, scope=scope, max=MAX_CANDIDATES)
        params["query"] = _tsquery(parsed.terms)
    elif vendor == "sqlite":
        sql = _SQLITE_SQL.format(table=DOCUMENT_TABLE, fts=FTS_TABLE, scope=scope,
                                 max=MAX_CANDIDATES)
        params["match"] = _fts5_query(parsed.terms)
    else:
        raise ServiceError("search_unavailable",
                           _("La recherche n'est pas offerte sur cette base de données."),
                           status=501)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()]
    has_next = len(ids) > page_size
    hits = _hits(ids[:page_size], parsed.terms, vendor)
    return DocumentSearchPage(query=parsed.text, page=page, has_next=has_next, hits=hits)


def _scope(user: User, space: Space | None) -> tuple[str, dict[str, Any]]:
    """SQL condition on ``d.space_id`` limiting a query to what ``user`` may read."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if not is_platform_staff(user):
        clauses.append(f"d.space_id IN (SELECT space_id FROM {Membership._meta.db_table} "  # noqa: S608
                       "WHERE user_id = %(user)s)")
        params["user"] = user.pk
    if space is not None:
        # A space's scope holds its committees too; membership above still limits it to
        # the committees the person is in.
        clauses.append(f"d.space_id IN (SELECT id FROM {Space._meta.db_table} "  # noqa: S608
                       "WHERE id = %(space)s OR parent_id = %(space)s)")
        params["space"] = space.pk
    return "".join(f" AND {clause}" for clause in clauses), params


# The most recent MAX_CANDIDATES matches are ranked (walking the primary key backwards stops
# early); the tsquery is written inline so the planner sees a constant. Table names come from
# the models and values are parameters.
_POSTGRES_SQL = """
    WITH candidates AS (
        SELECT d.id, d.search_vector FROM {table} d
        WHERE d.search_vector @@ to_tsquery('fr_unaccent', %(query)s)
          AND d.deleted_at IS NULL{scope}
        ORDER BY d.id DESC LIMIT {max}
    )
    SELECT id FROM candidates
    ORDER BY ts_rank(search_vector, to_tsquery('fr_unaccent', %(query)s)) DESC, id DESC
    LIMIT %(limit)s OFFSET %(offset)s
"""

# bm25() is lower for better matches; the weights make a title match count most.
_SQLITE_SQL = """
    WITH candidates AS (
        SELECT d.id, bm25({fts}, 4.0, 2.0, 1.0) AS score FROM {fts}
        JOIN {table} d ON d.id = {fts}.rowid
        WHERE {fts} MATCH %(match)s AND d.deleted_at IS NULL{scope}
        ORDER BY d.id DESC LIMIT {max}
    )
    SELECT id FROM candidates ORDER BY score, id DESC
    LIMIT %(limit)s OFFSET %(offset)s
"""


def _hits(ids: list[int], terms: Sequence[str], vendor: str) -> list[DocumentHit]:
    if not ids:
        return []
    start, stop = _markers()
    documents = Document.objects.filter(pk__in=ids).select_related(
        "space", "uploader", "current_version__uploaded_by")
    excerpts: dict[int, SafeString] = {}
    by_id: dict[int, Document] = {}
    if vendor == "postgresql":
        options = (f"StartSel={start}, StopSel={stop}, MaxWords={EXCERPT_WORDS}, MinWords=12, "
                   'ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "')
        # Escaped *before* ts_headline, which would drop anything that looks like a tag.
        source = (f"{DOCUMENT_TABLE}.description || ' … ' || "
                  f"left({DOCUMENT_TABLE}.content_text, {EXCERPT_SOURCE_CHARS})")
        escaped = f"replace(replace(replace({source}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
        annotated = documents.annotate(headline=RawSQL(  # noqa: S611 - values are parameters
            f"ts_headline('fr_unaccent', {escaped}, to_tsquery('fr_unaccent', %s), %s)",
            [_tsquery(terms), options],
        ))
        for document in annotated:
            by_id[document.pk] = document
            if start in document.headline:  # no marker: only the title matched
                excerpts[document.pk] = _to_html(document.headline, start, stop)
    else:
        by_id.update((document.pk, document) for document in documents)
        placeholders = ", ".join(["%s"] * len(ids))
        # Column -1: the column that matches best (the title's excerpt is the title itself,
        # shown anyway, so it is dropped below).
        sql = (f"SELECT rowid, snippet({FTS_TABLE}, -1, %s, %s, ' … ', {EXCERPT_WORDS}) "  # noqa: S608
               f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})")
        with connection.cursor() as cursor:
            cursor.execute(sql, [start, stop, _fts5_query(terms), *ids])
            for document_id, snippet in cursor.fetchall():
                matched = by_id.get(document_id)
                if matched is not None and snippet.replace(start, "").replace(
                        stop, "") != matched.title:
                    excerpts[document_id] = _to_html(html.escape(snippet, quote=False),
                                                     start, stop)
    hits = []
    for document_id in ids:
        found = by_id.get(document_id)
        if found is None:  # purged between the two queries
            continue
        hits.append(DocumentHit(document=found, space=found.space,
                                excerpt_html=excerpts.get(document_id) or _plain(found)))
    return hits


def _plain(document: Document) -> SafeString:
    words = (document.description or document.content_text[:2000]).split()
    text = " ".join(words[:EXCERPT_WORDS]) + (" …" if len(words) > EXCERPT_WORDS else "")
    return mark_safe(html.escape(text, quote=False))  # noqa: S308 - escaped


# --- keeping the SQLite index whole ----------------------------------------------------------
def sqlite_triggers() -> dict[str, str]:
    cols = ", ".join(FTS_COLUMNS)
    new = ", ".join(f"new.{c}" for c in FTS_COLUMNS)
    old = ", ".join(f"old.{c}" for c in FTS_COLUMNS)
    t, f = DOCUMENT_TABLE, FTS_TABLE
    return {  # names are constants of this module, never input
        f"{f}_ai": f"CREATE TRIGGER IF NOT EXISTS {f}_ai AFTER INSERT ON {t} BEGIN "  # noqa: S608
                   f"INSERT INTO {f}(rowid, {cols}) VALUES (new.id, {new}); END",
        f"{f}_ad": f"CREATE TRIGGER IF NOT EXISTS {f}_ad AFTER DELETE ON {t} BEGIN "  # noqa: S608
                   f"INSERT INTO {f}({f}, rowid, {cols}) VALUES ('delete', old.id, {old}); END",
        f"{f}_au": f"CREATE TRIGGER IF NOT EXISTS {f}_au AFTER UPDATE OF {cols} ON {t} "  # noqa: S608
                   f"BEGIN INSERT INTO {f}({f}, rowid, {cols}) "
                   f"VALUES ('delete', old.id, {old}); "
                   f"INSERT INTO {f}(rowid, {cols}) VALUES (new.id, {new}); END",
    }


def repair_sqlite_index(using: str = "default", **_kwargs: Any) -> None:
    """After ``migrate`` on SQLite (see communities.search.repair_sqlite_index): a table
    rebuild drops the triggers; re-create them and re-index when any was missing."""
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "sqlite":
        return
    with conn.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        if FTS_TABLE not in present:
            return
        missing = [sql for name, sql in sqlite_triggers().items() if name not in present]
        for statement in missing:
            cursor.execute(statement)
        if missing:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608
