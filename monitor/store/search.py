"""What the dossier and the web console need beyond the tables: an index and full-text search.

- `ix_links_target` on links(target, target_id) (in `schema`), so "every item linked to these
  units" is an index range, not a scan of every link;
- on SQLite, `items_fts`, an FTS5 table over each item's title and text (summary and pages), kept
  in step by triggers on `items`.

Both are schema, so they arrive by migration (0003, which also backfills items stored before it);
a new database gets them from `schema.metadata.create_all`, which runs `FULLTEXT_DDL` after the
tables (see schema.py). Readers never create anything. On other databases the search falls back
to ILIKE (`has_fulltext`).
"""

from __future__ import annotations

from sqlalchemy import Engine

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


def has_fulltext(engine: Engine) -> bool:
    """True when items can be searched with FTS5 (SQLite); elsewhere the search falls back to ILIKE."""
    return engine.dialect.name == "sqlite"


def fts_query(words: str) -> str:
    """The user's words as an FTS5 query: each a quoted phrase (so `"`, `-`, `OR`, `:` are plain text), all required."""
    terms = words.split()
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)
