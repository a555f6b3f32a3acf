"""Full-text search over thread titles and message bodies, French-aware.

Nothing here is declared on the models: the columns, tables and triggers are managed by raw
SQL only, so ``makemigrations`` never sees them. communities/search.py is the only reader.

PostgreSQL
    * the ``unaccent`` extension (trusted since PostgreSQL 13: a database owner may create it);
    * a text-search configuration ``fr_unaccent``: a copy of ``french`` whose word mappings go
      through the ``unaccent`` dictionary before the French Snowball stemmer, so
      "accessibilite" and "accessibilité" give the same lexeme;
    * a stored ``search_vector`` on messages (body) and threads (title), each with a GIN index.

    Why a GENERATED column and neither a trigger nor an IMMUTABLE wrapper around
    ``unaccent()``: the ``unaccent()`` *function* is only STABLE (it depends on search_path to
    find its rules), so it cannot appear in a generated column, and wrapping it in a function
    falsely declared IMMUTABLE is a known source of broken dumps and restores. Here unaccent is
    used as a text-search *dictionary* inside the configuration, and
    ``to_tsvector(regconfig, text)`` is IMMUTABLE; the configuration is referenced by OID, so
    the column also records a dependency on it. PostgreSQL recomputes the column on every
    INSERT and on every UPDATE of the source column (an edit), and on nothing else. The price:
    changing the ``fr_unaccent`` configuration later does not re-index existing rows (run
    ``UPDATE ... SET body = body``), and altering the type of ``body`` or ``title`` needs the
    column dropped and re-added.

SQLite
    * FTS5 tables with ``tokenize = 'unicode61 remove_diacritics 2'`` over the same columns,
      as *external content* tables (the text is not stored twice; ``snippet()`` reads it from
      the source table);
    * triggers keep them in step with every writer (services, admin, data migrations). The
      update triggers fire only on the indexed column, so bumping ``created_seq`` or
      ``deleted_at`` costs nothing. Django rebuilds a SQLite table for some later schema
      changes, which drops its triggers: communities/search.py re-creates any missing trigger
      and rebuilds the index after every ``migrate`` (post_migrate).

    FTS5 has no French stemmer: communities/search.py turns each word into a prefix query
    (``causerie*`` also matches "causeries") after removing a plural "s".
"""

from django.db import migrations

MESSAGE = "communities_message"
THREAD = "communities_thread"

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = french)",
    "ALTER TEXT SEARCH CONFIGURATION fr_unaccent "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem",
    f"ALTER TABLE {MESSAGE} ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('fr_unaccent'::regconfig, body)) STORED",
    f"CREATE INDEX communities_message_search ON {MESSAGE} USING gin (search_vector)",
    f"ALTER TABLE {THREAD} ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('fr_unaccent'::regconfig, title)) STORED",
    f"CREATE INDEX communities_thread_search ON {THREAD} USING gin (search_vector)",
]

# The extension stays on the way back: it is harmless, and may serve others in the database.
POSTGRES_BACKWARD = [
    f"ALTER TABLE {THREAD} DROP COLUMN IF EXISTS search_vector",
    f"ALTER TABLE {MESSAGE} DROP COLUMN IF EXISTS search_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS fr_unaccent",
]


def sqlite_forward_statements() -> list[str]:
    """Kept in communities.search too (SQLITE_INDEXES) for the post_migrate repair; the
    migration carries its own copy so it never changes after being applied."""
    statements = []
    for table, column, fts in ((MESSAGE, "body", "communities_message_fts"),
                               (THREAD, "title", "communities_thread_fts")):
        statements += [
            f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {column}) "
            f"VALUES ('delete', old.id, old.{column}); END",
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {column}) "
            f"VALUES ('delete', old.id, old.{column}); "
            f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END",
            # Index what is already there.
            f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
        ]
    return statements


SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {fts}_{suffix}"
    for fts in ("communities_message_fts", "communities_thread_fts")
    for suffix in ("ai", "ad", "au")
] + [
    "DROP TABLE IF EXISTS communities_message_fts",
    "DROP TABLE IF EXISTS communities_thread_fts",
]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_FORWARD)
    elif vendor == "sqlite":
        _run(schema_editor, sqlite_forward_statements())
    # Other databases: no index; communities.search refuses to search.


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)


class Migration(migrations.Migration):

    dependencies = [
        ("communities", "0002_conversation"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
