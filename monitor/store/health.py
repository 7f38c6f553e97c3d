"""Feed health for `monitor feeds list`, read without SQLAlchemy so the command starts in a blink.

A SQLite database is read with the standard library, read-only (a missing file means no feed has
been polled yet, and is not created); any other database goes through the `Store`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

from monitor.domain.item import FeedState

_COLUMNS = ("name", "etag", "last_modified", "last_success", "last_attempt", "last_error", "error_count",
            "next_poll", "items_seen")


def read_feed_states(db_url: str) -> dict[str, FeedState]:
    if not db_url.startswith("sqlite:///"):
        from monitor.store.database import Store  # PostgreSQL and friends: the full store

        store = Store(db_url)
        try:
            return store.feed_states()
        finally:
            store.close()
    path = Path(db_url.removeprefix("sqlite:///"))
    if not path.is_file():
        return {}
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
        try:
            rows = conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM feeds").fetchall()
        except sqlite3.OperationalError:  # a database made before any poll has no feeds table
            return {}
    return {row[0]: _state(row) for row in rows}


def read_language_counts(db_url: str) -> dict[str, dict[str, int]]:
    """feed -> {language: stored items} ('?' for items of no known language), most items first."""
    query = "SELECT feed, COALESCE(language, '?'), COUNT(*) FROM items GROUP BY feed, language"
    if not db_url.startswith("sqlite:///"):
        import sqlalchemy

        from monitor.store.database import open_engine

        engine = open_engine(db_url)
        with engine.connect() as connection:
            rows = [tuple(r) for r in connection.execute(sqlalchemy.text(query))]
        engine.dispose()
    else:
        path = Path(db_url.removeprefix("sqlite:///"))
        if not path.is_file():
            return {}
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as conn:
            try:
                rows = conn.execute(query).fetchall()
            except sqlite3.OperationalError:  # no items table yet
                return {}
    counts: dict[str, dict[str, int]] = {}
    for feed, language, count in sorted(rows, key=lambda r: -r[2]):
        counts.setdefault(feed, {})[language] = count
    return counts


def _state(row: tuple[Any, ...]) -> FeedState:
    name, etag, last_modified, last_success, last_attempt, last_error, error_count, next_poll, items_seen = row
    return FeedState(name=name, etag=etag, last_modified=last_modified, last_success=_time(last_success),
                     last_attempt=_time(last_attempt), last_error=last_error or "", error_count=error_count or 0,
                     next_poll=_time(next_poll), items_seen=items_seen or 0)


def _time(value: str | None) -> dt.datetime | None:
    # The store keeps times as naive UTC (see schema.UTCDateTime); give them back their zone.
    return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC) if value else None
