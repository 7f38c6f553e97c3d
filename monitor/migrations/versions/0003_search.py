"""Search for the dossier and the console: an index on links by target, and (SQLite) full-text search.

    ix_links_target   links(target, target_id): "every item linked to these units" is an index range
    items_fts         SQLite only: an FTS5 table over each item's title and text (summary and pages),
                      kept in step by three triggers on `items`, backfilled here with the items stored
                      before it
    search_vector     PostgreSQL only: a generated tsvector column over the same text (the `simple`
                      configuration, accents removed with `unaccent` when the server has it, as items
                      are English and Spanish), with a GIN index; PostgreSQL computes it for the
                      rows already stored and keeps it in step itself

Every SQLite statement is IF NOT EXISTS: a database opened by the console before this migration existed
already has them (the console created them when it opened the store), and keeps what it has.
A later migration that rebuilds `items` in batch mode (SQLite's copy-and-rename) drops these
triggers with the old table and must create them again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# An item's searchable text: the title, the summary, then every page (pages is JSON [[number, text], ...]).
_BODY = ("{row}.summary || ' ' || coalesce((SELECT group_concat(json_extract(value, '$[1]'), ' ') "
         "FROM json_each({row}.pages)), '')")

_FULLTEXT = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(title, body, "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS items_fts_insert AFTER INSERT ON items BEGIN "
    f"INSERT INTO items_fts(rowid, title, body) VALUES (new.id, new.title, {_BODY.format(row='new')}); END",
    "CREATE TRIGGER IF NOT EXISTS items_fts_update AFTER UPDATE OF title, summary, pages ON items BEGIN "
    "DELETE FROM items_fts WHERE rowid = old.id; "
    f"INSERT INTO items_fts(rowid, title, body) VALUES (new.id, new.title, {_BODY.format(row='new')}); END",
    "CREATE TRIGGER IF NOT EXISTS items_fts_delete AFTER DELETE ON items BEGIN "
    "DELETE FROM items_fts WHERE rowid = old.id; END",
    # The items stored before the table existed.
    f"INSERT INTO items_fts(rowid, title, body) SELECT items.id, items.title, {_BODY.format(row='items')} "
    "FROM items WHERE items.id NOT IN (SELECT rowid FROM items_fts)",
)

_PG_UNACCENT = ("ALTER TEXT SEARCH CONFIGURATION monitor_search "
                "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple")
_PG_FULLTEXT = (
    "ALTER TABLE items ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('monitor_search', title), 'A') || to_tsvector('monitor_search', summary) || "
    "to_tsvector('monitor_search', pages::jsonb)) STORED",
    "CREATE INDEX ix_items_search ON items USING gin (search_vector)",
)


def upgrade() -> None:
    op.create_index("ix_links_target", "links", ["target", "target_id"], if_not_exists=True)
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in _FULLTEXT:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("CREATE TEXT SEARCH CONFIGURATION monitor_search (COPY = simple)")
        if _unaccent():
            op.execute(_PG_UNACCENT)
        for statement in _PG_FULLTEXT:
            op.execute(statement)


def _unaccent() -> bool:
    """`unaccent` installed, if the server has it and we may (a trusted extension: the database's owner may)."""
    conn = op.get_bind()
    if conn.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'").first() is None:
        return False
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    except DBAPIError:
        return False
    return True


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("items_fts_delete", "items_fts_update", "items_fts_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS items_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_items_search")
        op.execute("ALTER TABLE items DROP COLUMN IF EXISTS search_vector")
        op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS monitor_search")
    op.drop_index("ix_links_target", "links")
