"""What the dossier and the web console need beyond the tables: an index and full-text search.

- `ix_links_target` on links(target, target_id) (in `schema`), so "every item linked to these
  units" is an index range, not a scan of every link;
- on SQLite, `items_fts`, an FTS5 table over each item's title and text (summary and pages), kept
  in step by triggers on `items`;
- on PostgreSQL, `items.search_vector`, a generated tsvector column over the same text with a GIN
  index. Items are English and Spanish, so no language's stemmer or stop words: the `simple`
  configuration, with accents removed (`unaccent`, a trusted extension shipped with the server)
  as SQLite's `remove_diacritics` does, so "Apatzingan" finds "Apatzingán".

Both are schema, so they arrive by migration (0003, which also backfills items stored before it);
a new database gets them from `schema.metadata.create_all`, which runs `FULLTEXT_DDL` or
`create_pg_fulltext` after the tables (see schema.py). Readers never create anything.
"""

from __future__ import annotations

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

FTS_TABLE = "items_fts"

# An item's searchable text: the title, the summary, then every page (pages is JSON [[number, text], ...]).
_BODY = "{row}.summary || ' ' || coalesce((SELECT group_concat(json_extract(value, '$[1]'), ' ') " \
        "FROM json_each({row}.pages)), '')"

# Today's full-text table and triggers (SQLite). Migration 0003 writes its own copy out in full, as
# migrations do, so later edits here cannot rewrite history; a test checks the two agree.
FULLTEXT_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, body, "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS items_fts_insert AFTER INSERT ON items BEGIN "
    f"INSERT INTO items_fts(rowid, title, body) VALUES (new.id, new.title, {_BODY.format(row='new')}); END",
    "CREATE TRIGGER IF NOT EXISTS items_fts_update AFTER UPDATE OF title, summary, pages ON items BEGIN "
    "DELETE FROM items_fts WHERE rowid = old.id; "
    f"INSERT INTO items_fts(rowid, title, body) VALUES (new.id, new.title, {_BODY.format(row='new')}); END",
    "CREATE TRIGGER IF NOT EXISTS items_fts_delete AFTER DELETE ON items BEGIN "
    "DELETE FROM items_fts WHERE rowid = old.id; END",
)


def is_fulltext_table(name: str | None) -> bool:
    """`items_fts` and the shadow tables FTS5 keeps beside it (items_fts_data, _idx, _content, _docsize,
    _config): SQLite's own, in no `schema.metadata`, so schema comparisons leave them out."""
    return name is not None and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_"))


# PostgreSQL: the text search configuration, the generated column and its index. Migration 0003 has its
# own copy; a test checks that a new database and a migrated one end up alike.
PG_CONFIG = "monitor_search"
PG_COLUMN = "search_vector"
PG_INDEX = "ix_items_search"
PG_CONFIG_DDL = (
    f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = simple)",
)
PG_UNACCENT_DDL = (
    f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple",
)
PG_COLUMN_DDL = (
    # The title weighs more than the text in the rank; pages is JSON [[number, text], ...]: only its strings count.
    f"ALTER TABLE items ADD COLUMN {PG_COLUMN} tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector('{PG_CONFIG}', title), 'A') || to_tsvector('{PG_CONFIG}', summary) || "
    f"to_tsvector('{PG_CONFIG}', pages::jsonb)) STORED",
    f"CREATE INDEX {PG_INDEX} ON items USING gin ({PG_COLUMN})",
)


def create_pg_fulltext(conn: Connection) -> None:
    """The search configuration (accents removed when the server has `unaccent`), the column and its index."""
    for statement in PG_CONFIG_DDL:
        conn.exec_driver_sql(statement)
    if _unaccent(conn):
        for statement in PG_UNACCENT_DDL:
            conn.exec_driver_sql(statement)
    for statement in PG_COLUMN_DDL:
        conn.exec_driver_sql(statement)


def _unaccent(conn: Connection) -> bool:
    """Install `unaccent` if the server has it and we may (a trusted extension: the database's owner may)."""
    available = conn.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'").first()
    if available is None:
        return False
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
    except DBAPIError:  # no privilege: search still works, accents then count
        return False
    return True


def is_fulltext_object(name: str | None, type_: str) -> bool:
    """The search objects made by DDL of our own rather than by a Table of `schema.metadata` (SQLite's FTS5
    tables, PostgreSQL's generated column and its index), which schema comparisons leave out."""
    if type_ == "table":
        return is_fulltext_table(name)
    return (type_, name) in {("column", PG_COLUMN), ("index", PG_INDEX)}


def fts_query(words: str) -> str:
    """The user's words as an FTS5 query: each a quoted phrase (so `"`, `-`, `OR`, `:` are plain text), all required."""
    terms = words.split()
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)
