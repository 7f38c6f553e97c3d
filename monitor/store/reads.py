"""Read-only queries for the dossier and the web console: a fixed handful of queries per page.

Every function takes the `Store` and answers with domain types (`StoredItem`, `Assessment`). Lists
of items are loaded by a subquery of ids, never one query per item, so a unit with thousands of
linked items costs the same five queries as a unit with three.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, false, func, or_, select, text
from sqlalchemy.engine import Connection

from monitor.domain.assessment import Assessment, Evidence
from monitor.store import schema
from monitor.store.database import Store, StoredItem, _assessment, _stored_item
from monitor.store.search import fts_query, has_fulltext


@dataclass(frozen=True)
class UnitHit:
    """One link from an item to one unit: whether the item accuses it, and the passages that say so."""

    item_id: int
    unit_id: str
    implicated: bool
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Loaded:
    """Items with their decisions, and every other copy of their stories (by story id)."""

    items: dict[int, StoredItem]
    assessments: dict[int, Assessment]
    copies: dict[int, list[StoredItem]]


@dataclass(frozen=True)
class Listing:
    """One page of a list: the item ids in order, loaded, and how many there are in all."""

    ids: list[int]
    loaded: Loaded
    total: int


@dataclass(frozen=True)
class AlertStatus:
    status: str
    attempts: int
    last_error: str
    sent_at: dt.datetime | None


def item_date() -> Any:
    """The date an item is filed under: when it was published, else when it was fetched."""
    return func.coalesce(schema.items.c.published, schema.items.c.fetched_at)


def unit_hits(store: Store, unit_ids: Iterable[str], since: dt.datetime | None = None,
              until: dt.datetime | None = None) -> tuple[list[UnitHit], Loaded]:
    """Every link from a stored item to one of `unit_ids` (in the date range), and those items loaded."""
    links = schema.links.c
    where = [links.target == "unit", links.target_id.in_(sorted(set(unit_ids)))]
    if since is not None:
        where.append(item_date() >= since)
    if until is not None:
        where.append(item_date() < until)
    hits = (select(links.item_id, links.target_id, links.implicated, links.evidence)
            .join(schema.items, schema.items.c.id == links.item_id).where(*where).order_by(links.id))
    with store.engine.connect() as conn:
        rows = [UnitHit(r[0], r[1], bool(r[2]), tuple(Evidence(**e) for e in r[3])) for r in conn.execute(hits)]
        ids = select(hits.subquery().c.item_id)
        return rows, _load(conn, ids)


def load(store: Store, item_ids: Sequence[int]) -> Loaded:
    with store.engine.connect() as conn:
        return _load(conn, list(item_ids))


def flagged_between(store: Store, start: dt.datetime, end: dt.datetime, offset: int, limit: int) -> Listing:
    """Stories first fetched in [start, end) that alert or report an allegation, newest first.

    Later syndicated copies are left out: they are the same story ("also reported by" on its page).
    """
    items, decisions = schema.items.c, schema.assessments.c
    query = (select(items.id).join(schema.assessments, decisions.item_id == items.id)
             .where(items.fetched_at >= start, items.fetched_at < end, items.story_id == items.id,
                    or_(decisions.alert, decisions.allegation)))
    return _listing(store, query, items.id.desc(), offset, limit)


def linked_to(store: Store, target: str, target_id: str, offset: int, limit: int) -> Listing:
    """Items linked to one case, unit or statement, newest first."""
    links = schema.links.c
    query = (select(links.item_id).where(links.target == target, links.target_id == target_id)
             .group_by(links.item_id))
    return _listing(store, query, links.item_id.desc(), offset, limit)


def search(store: Store, words: str, offset: int, limit: int) -> Listing:
    """Items whose title or text contain all of `words` (FTS5 on SQLite, best match first; LIKE elsewhere)."""
    if not words.split():
        return Listing([], Loaded({}, {}, {}), 0)
    if has_fulltext(store.engine):
        fts = text("SELECT rowid AS id FROM items_fts WHERE items_fts MATCH :q ORDER BY rank").bindparams(
            q=fts_query(words)).columns(schema.items.c.id).subquery()
        return _listing(store, select(fts.c.id), None, offset, limit)
    items = schema.items.c
    each = [or_(items.title.ilike(f"%{w}%"), items.summary.ilike(f"%{w}%")) for w in words.split()]
    return _listing(store, select(items.id).where(and_(*each)), items.id.desc(), offset, limit)


def alert_status(store: Store, item_id: int) -> AlertStatus | None:
    alerts = schema.alerts.c
    query = select(alerts.status, alerts.attempts, alerts.last_error, alerts.sent_at).where(alerts.item_id == item_id)
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else AlertStatus(row[0], row[1], row[2], row[3])


def _listing(store: Store, ids: Select[Any], order: Any, offset: int, limit: int) -> Listing:
    with store.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(ids.subquery())).scalar_one()
        page = ids.order_by(order) if order is not None else ids
        chosen = [row[0] for row in conn.execute(page.offset(offset).limit(limit))]
        return Listing(chosen, _load(conn, chosen), total)


def _load(conn: Connection, ids: Select[Any] | list[int]) -> Loaded:
    """The items, their decisions and links, and their stories' other copies: four queries, whatever the count."""
    items, decisions, links = schema.items, schema.assessments, schema.links
    if isinstance(ids, list) and not ids:
        ids_clause: Any = false()
    else:
        ids_clause = items.c.id.in_(ids)
    found = {r["id"]: _stored_item(r) for r in conn.execute(select(items).where(ids_clause)).mappings()}
    link_rows: dict[int, list[Any]] = {}
    for row in conn.execute(select(links).where(links.c.item_id.in_(ids)).order_by(links.c.id)).mappings():
        link_rows.setdefault(row["item_id"], []).append(row)
    assessments = {r["item_id"]: _assessment(r, link_rows.get(r["item_id"], []))
                   for r in conn.execute(select(decisions).where(decisions.c.item_id.in_(ids))).mappings()}
    own = items.alias("own")
    stories = select(own.c.story_id).where(own.c.id.in_(ids))
    copies: dict[int, list[StoredItem]] = {}
    query = select(items).where(items.c.story_id.in_(stories), ~ids_clause).order_by(items.c.id)
    for row in conn.execute(query).mappings():
        copies.setdefault(row["story_id"], []).append(_stored_item(row))
    return Loaded(found, assessments, copies)
