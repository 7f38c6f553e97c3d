"""Read-only queries for the dossier and the web console: a fixed handful of queries per page.

Every function takes the `Store` and answers with domain types (`StoredItem`, `Assessment`). Lists
of items are loaded by a subquery of ids, never one query per item, so a unit with thousands of
linked items costs the same five queries as a unit with three.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Text, bindparam, cast, false, func, literal_column, or_, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from monitor.domain.assessment import Assessment, Evidence
from monitor.store import schema
from monitor.store.database import Store, StoredItem, _stored_item, assessments_where
from monitor.store.search import PG_COLUMN, PG_CONFIG, fts_query


@dataclass(frozen=True)
class UnitHit:
    """One link from an item to one unit, and whether the item accuses it (its evidence: `unit_evidence`)."""

    item_id: int
    unit_id: str
    implicated: bool


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
    alert_id: int
    status: str
    attempts: int
    last_error: str
    sent_at: dt.datetime | None


def item_date() -> Any:
    """The date an item is filed under: when it was published, else when it was fetched."""
    return func.coalesce(schema.items.c.published, schema.items.c.fetched_at)


@dataclass(frozen=True)
class Headline:
    """What a dossier shows of an item: no summary, no pages (a report's pages can be megabytes)."""

    id: int
    story_id: int
    feed: str
    source: str
    title: str
    url: str
    date: dt.datetime  # published, else fetched


@dataclass(frozen=True)
class Decided:
    """What a dossier shows of the decision on an item: allegation, accused, at risk, cases, talking points."""

    allegation_types: tuple[str, ...]
    implicated: tuple[str, ...]
    at_risk: tuple[str, ...]
    alert: bool
    cases: list[str]
    undercuts: list[str]  # statement ids the item undercuts


@dataclass(frozen=True)
class Dated:
    """An item as the dossier's summary and order need it: its story and its date (published, else fetched)."""

    id: int
    story_id: int
    date: dt.datetime


@dataclass(frozen=True)
class UnitFile:
    """The rows of a unit dossier's first pass (summary and order), each kind loaded in one query.

    Titles, links, sources and evidence are read afterwards for the entries shown (`headlines`,
    `unit_evidence`): a page of a dossier, not all of it.
    """

    hits: list[UnitHit]
    items: dict[int, Dated]  # the linked items, in id order
    decided: dict[int, Decided]
    stories: dict[int, list[int]]  # every stored item of the linked items' stories, by story id


def unit_file(store: Store, unit_ids: Iterable[str], since: dt.datetime | None = None,
              until: dt.datetime | None = None) -> UnitFile:
    """Every link from a stored item to one of `unit_ids` (in the date range), with the items' dates,
    stories and decisions: a fixed handful of queries whatever the number of items."""
    links, items = schema.links.c, schema.items.c
    family = sorted(set(unit_ids))
    where = [links.target == "unit", links.target_id.in_(family)]
    if since is not None:
        where.append(item_date() >= since)
    if until is not None:
        where.append(item_date() < until)
    hit_ids = select(links.item_id).join(schema.items, items.id == links.item_id).where(*where)
    # Every link of those items at once (no evidence): the unit hits, and the cases and talking points.
    every = (select(links.item_id, links.target, links.target_id, links.implicated, links.stance)
             .where(links.item_id.in_(hit_ids)).order_by(links.id))
    with store.engine.connect() as conn:
        rows = conn.execute(every).all()
        family_set = set(family)
        hits = [UnitHit(r[0], r[2], bool(r[3])) for r in rows if r[1] == "unit" and r[2] in family_set]
        # Then the ids go back as IN lists (chunked), so SQLite reads each table by its key or index.
        ids = sorted({h.item_id for h in hits})
        dated = select(items.id, items.story_id, item_date()).where(items.id.in_(bindparam("chunk", expanding=True)))
        found = sorted((Dated(*r) for chunk in _chunks(ids) for r in conn.execute(dated, {"chunk": chunk})),
                       key=lambda d: d.id)
        members = (select(items.story_id, items.id)
                   .where(items.story_id.in_(bindparam("chunk", expanding=True))).order_by(items.id))
        stories: dict[int, list[int]] = {}
        for chunk in _chunks(sorted({d.story_id for d in found})):
            for story_id, item_id in conn.execute(members, {"chunk": chunk}):
                stories.setdefault(story_id, []).append(item_id)
        return UnitFile(hits, {d.id: d for d in found}, _decided(conn, ids, rows), stories)


def headlines(store: Store, item_ids: Sequence[int]) -> dict[int, Headline]:
    """Title, link and source of each item (no summary or pages), by id."""
    with store.engine.connect() as conn:
        return {h.id: h for h in _headlines(conn, sorted(set(item_ids)))}


def unit_evidence(store: Store, item_ids: Sequence[int], unit_ids: Iterable[str]) -> dict[int, list[Evidence]]:
    """The evidence of the links from `item_ids` to `unit_ids`, by item (decoded only for the items asked:
    a page of a dossier, not all of it)."""
    links = schema.links.c
    units = sorted(set(unit_ids))
    out: dict[int, list[Evidence]] = {}
    with store.engine.connect() as conn:
        for start in range(0, len(item_ids), _CHUNK):
            query = (select(links.item_id, links.evidence)
                     .where(links.target == "unit", links.target_id.in_(units),
                            links.item_id.in_(item_ids[start:start + _CHUNK])).order_by(links.id))
            for item_id, evidence in conn.execute(query):
                out.setdefault(item_id, []).extend(Evidence(**e) for e in evidence)
    return out


_CHUNK = 900  # ids per IN list: well under SQLite's bound-parameter limit on any build


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def _headlines(conn: Connection, ids: Sequence[int]) -> Iterator[Headline]:
    items = schema.items.c
    query = (select(items.id, items.story_id, items.feed, items.source, items.title, items.url, item_date())
             .where(items.id.in_(bindparam("chunk", expanding=True))))
    found = [Headline(*row) for chunk in _chunks(ids) for row in conn.execute(query, {"chunk": chunk})]
    yield from sorted(found, key=lambda h: h.id)


@functools.lru_cache(maxsize=4096)
def _json_tuple(raw: str | None) -> tuple[str, ...]:
    """A JSON list of ids as a tuple. Cached: across thousands of decisions the same few lists recur
    (the same battalion and zone at risk), so most rows cost a dict lookup instead of a parse."""
    return tuple(json.loads(raw)) if raw else ()


def _decided(conn: Connection, ids: Sequence[int], link_rows: Iterable[Any]) -> dict[int, Decided]:
    decisions = schema.assessments.c
    targets: dict[int, tuple[list[str], list[str]]] = {}
    for item_id, target, target_id, _implicated, stance in link_rows:
        cases, undercuts = targets.setdefault(item_id, ([], []))
        if target == "case":
            cases.append(target_id)
        elif target == "statement" and stance == "undercuts":
            undercuts.append(target_id)
    raw = [cast(c, Text) for c in (decisions.allegation_types, decisions.implicated, decisions.at_risk)]
    query = select(decisions.item_id, *raw, decisions.alert).where(
        decisions.item_id.in_(bindparam("chunk", expanding=True)))
    return {item_id: Decided(_json_tuple(types), _json_tuple(implicated), _json_tuple(at_risk), bool(alert),
                             *targets.get(item_id, ([], [])))
            for chunk in _chunks(ids)
            for item_id, types, implicated, at_risk, alert in conn.execute(query, {"chunk": chunk})}


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
    """Items whose title or text contain all of `words`, best match first (FTS5 on SQLite, a tsvector on
    PostgreSQL; any input is taken as plain words)."""
    if not words.split():
        return Listing([], Loaded({}, {}, {}), 0)
    if store.engine.dialect.name == "postgresql":
        vector: ColumnElement[Any] = literal_column(f"items.{PG_COLUMN}")
        query = func.plainto_tsquery(literal_column(f"'{PG_CONFIG}'::regconfig"), bindparam("q", words, Text))
        found = select(schema.items.c.id).where(vector.op("@@")(query))
        return _listing(store, found, (func.ts_rank(vector, query).desc(), schema.items.c.id.desc()), offset, limit)
    fts = text("SELECT rowid AS id FROM items_fts WHERE items_fts MATCH :q ORDER BY rank").bindparams(
        q=fts_query(words)).columns(schema.items.c.id).subquery()
    return _listing(store, select(fts.c.id), (), offset, limit)


def alert_status(store: Store, item_id: int) -> AlertStatus | None:
    alerts = schema.alerts.c
    query = (select(alerts.id, alerts.status, alerts.attempts, alerts.last_error, alerts.sent_at)
             .where(alerts.item_id == item_id))
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else AlertStatus(row[0], row[1], row[2], row[3], row[4])


def _listing(store: Store, ids: Select[Any], order: Any, offset: int, limit: int) -> Listing:
    """One page of `ids` in `order` (one clause or several; none: the order `ids` already has)."""
    with store.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(ids.subquery())).scalar_one()
        page = ids.order_by(*(order if isinstance(order, tuple) else (order,)))
        chosen = [row[0] for row in conn.execute(page.offset(offset).limit(limit))]
        return Listing(chosen, _load(conn, chosen), total)


def _load(conn: Connection, ids: Select[Any] | list[int]) -> Loaded:
    """The items, their decisions and links, and their stories' other copies: four queries, whatever the count."""
    items = schema.items
    if isinstance(ids, list) and not ids:
        ids_clause: Any = false()
    else:
        ids_clause = items.c.id.in_(ids)
    found = {r["id"]: _stored_item(r) for r in conn.execute(select(items).where(ids_clause)).mappings()}
    assessments = assessments_where(conn, ids_clause)
    own = items.alias("own")
    stories = select(own.c.story_id).where(own.c.id.in_(ids))
    copies: dict[int, list[StoredItem]] = {}
    query = select(items).where(items.c.story_id.in_(stories), ~ids_clause).order_by(items.c.id)
    for row in conn.execute(query).mappings():
        copies.setdefault(row["story_id"], []).append(_stored_item(row))
    return Loaded(found, assessments, copies)
