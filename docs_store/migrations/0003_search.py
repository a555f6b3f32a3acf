"""Full-text search over documents: title, description and the text extracted from the
current version (``content_text``), French-aware like the discussion search
(communities/migrations/0003_search.py explains the choices; docs_store/search.py reads it).

PostgreSQL: a stored generated ``search_vector`` on documents, weighted (title A, description
B, extracted text D) so a title match ranks first, with a GIN index. It uses the
``fr_unaccent`` configuration created by communities 0003.

SQLite: an FTS5 external-content table over the same three columns, kept in step by triggers
(re-created after every ``migrate`` by docs_store.search.repair_sqlite_index).
"""

from django.db import migrations

DOCUMENT = "docs_store_document"
FTS = "docs_store_document_fts"
COLUMNS = ("title", "description", "content_text")

POSTGRES_FORWARD = [
    f"ALTER TABLE {DOCUMENT} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('fr_unaccent'::regconfig, title), 'A') || "
    "setweight(to_tsvector('fr_unaccent'::regconfig, description), 'B') || "
    "setweight(to_tsvector('fr_unaccent'::regconfig, content_text), 'D')) STORED",
    f"CREATE INDEX docs_store_document_search ON {DOCUMENT} USING gin (search_vector)",
]
POSTGRES_BACKWARD = [f"ALTER TABLE {DOCUMENT} DROP COLUMN IF EXISTS search_vector"]


def sqlite_forward_statements():
    """A copy of docs_store.search.sqlite_triggers, frozen with the migration."""
    cols = ", ".join(COLUMNS)
    new = ", ".join(f"new.{c}" for c in COLUMNS)
    old = ", ".join(f"old.{c}" for c in COLUMNS)
    return [
        f"CREATE VIRTUAL TABLE {FTS} USING fts5({cols}, content='{DOCUMENT}', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {DOCUMENT} BEGIN "
        f"INSERT INTO {FTS}(rowid, {cols}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {DOCUMENT} BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, {cols}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER {FTS}_au AFTER UPDATE OF {cols} ON {DOCUMENT} BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {FTS}(rowid, {cols}) VALUES (new.id, {new}); END",
        f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
    ]


SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS {FTS}_{suffix}" for suffix in ("ai", "ad", "au")] + [
    f"DROP TABLE IF EXISTS {FTS}"]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_FORWARD)
    elif vendor == "sqlite":
        _run(schema_editor, sqlite_forward_statements())


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)


class Migration(migrations.Migration):

    dependencies = [
        ("communities", "0003_search"),
        ("docs_store", "0002_text_and_direct_uploads"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
