"""What the dossier and the web console need beyond the tables: an index and full-text search.

`ensure_search` creates them if absent (idempotent, run when a reader opens the store):
- `ix_links_target` on links(target, target_id), so "every item linked to these units" is an index
  range, not a scan of every link;
- on SQLite, `items_fts`, an FTS5 table over each item's title and text (summary and pages), kept
  in step by triggers on `items` and backfilled for items stored before it existed.

These are additions only; no existing table's columns change. (When the schema moves to Alembic
migrations, this function becomes one migration.)
"""

from __future__ import annotations

from sqlalchemy import Engine, text

# An item's searchable text: the title, the summary, then every page (pages is JSON [[number, text], ...]).
_BODY = "{row}.summary || ' ' || coalesce((SELECT group_concat(json_extract(value, '$[1]'), ' ') " \
        "FROM json_each({row}.pages)), '')"

_SQLITE = [
    "CREATE INDEX IF NOT EXISTS ix_links_target ON links (target, target_id)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS items_fts_insert AFTER INSERT ON items BEGIN "
    f"INSERT INTO items_fts(rowid, title, body) VALUES (new.id, new.title, {_BODY.format(row='new')}); END",
    "CREATE TRIGGER IF NOT EXISTS items_fts_update AFTER UPDATE OF title, summary, pages ON items BEGIN "
    "DELETE FROM items_fts WHERE rowid = old.id; "
    f"INSERT INTO items_fts(rowid, title, body) VALUES (new.id, new.title, {_BODY.format(row='new')}); END",
    "CREATE TRIGGER IF NOT EXISTS items_fts_delete AFTER DELETE ON items BEGIN "
    "DELETE FROM items_fts WHERE rowid = old.id; END",
    # Items stored before the table existed (or by a writer without the triggers).
    f"INSERT INTO items_fts(rowid, title, body) SELECT items.id, items.title, {_BODY.format(row='items')} "
    "FROM items WHERE items.id NOT IN (SELECT rowid FROM items_fts)",
]

_OTHER = ["CREATE INDEX IF NOT EXISTS ix_links_target ON links (target, target_id)"]


def ensure_search(engine: Engine) -> None:
    """Create the links index and (SQLite) the full-text table with its triggers, if absent."""
    statements = _SQLITE if engine.dialect.name == "sqlite" else _OTHER
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))


def has_fulltext(engine: Engine) -> bool:
    """True when items can be searched with FTS5 (SQLite); elsewhere the search falls back to LIKE."""
    return engine.dialect.name == "sqlite"


def fts_query(words: str) -> str:
    """The user's words as an FTS5 query: each a quoted phrase (so `"`, `-`, `OR`, `:` are plain text), all required."""
    terms = words.split()
    return " ".join('"' + term.replace('"', '""') + '"' for term in terms)
