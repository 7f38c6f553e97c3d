"""Storage: feed state, items (kept once), links with evidence, the alert outbox, digests.

The `Store` is the only module that speaks SQL. Each public method is one transaction, so a crash
leaves either all of a step or none of it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import sqlite3
import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import (
    Engine,
    Table,
    and_,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.sql.elements import ColumnElement
from tenacity import retry, retry_if_exception, stop_after_delay, wait_random

from monitor.decide import ThreadRoot
from monitor.domain.assessment import Allegation, Assessment, Evidence, Link
from monitor.domain.errors import ConfigError, MonitorError
from monitor.domain.item import FeedState, Item, Page
from monitor.domain.review import Review, Verdict, as_verdict
from monitor.store import leases, migrate, schema
from monitor.store.worker import Worker

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredItem:
    id: int
    item: Item
    story_id: int
    fetched_at: dt.datetime


@dataclass(frozen=True)
class OutboxRow:
    id: int
    item_id: int
    thread_of: int | None
    thread_ts: str | None  # the thread root's Slack ts, once the root is sent
    payload: dict[str, Any]
    attempts: int
    created_at: dt.datetime


@dataclass(frozen=True)
class AlertRow:
    """An alert as stored: its item, the message payload and, once sent, the Slack message's ts."""

    id: int
    item_id: int
    payload: dict[str, Any]
    ts: str | None


@dataclass(frozen=True)
class Relinked:
    """A stored item linked again: its new assessment, replacing the old one and its links."""

    item_id: int
    assessment: Assessment


@dataclass(frozen=True)
class NewArchiveMessage:
    """A "from the archive" message to queue for one unit, and the items it reports."""

    unit_id: str
    payload: dict[str, Any]
    item_ids: tuple[int, ...]


class UnknownAlert(MonitorError):
    """No alert has this id."""


# The two outbox tables: alerts, and the "from the archive" messages. Both have the same delivery columns.
Outbox = Literal["alerts", "archive_messages"]


@dataclass(frozen=True)
class DigestRow:
    day: dt.date
    status: str
    message_id: str
    attempts: int


class Store:
    """The database, as one worker (`worker`: whose leases, how long) sees it."""

    def __init__(self, url: str, worker: Worker | None = None) -> None:
        self.worker = worker or Worker.here()
        self.engine: Engine = open_engine(url)
        # A Store dropped without close() (a command's, a test's) still closes its pooled connections,
        # rather than leaving them to the garbage collector (which psycopg warns about).
        self._finalizer = weakref.finalize(self, self.engine.dispose)
        # A database made by an earlier release upgrades itself, rows kept; `migrated` says what ran.
        self.migrated: list[str] = migrate.upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()  # the engine stays usable: a later query opens a new pool

    # -- feeds ---------------------------------------------------------------------------------

    def feed_states(self) -> dict[str, FeedState]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(*leases.STATE_COLUMNS)).mappings()
            return {row["name"]: FeedState(**row) for row in rows}

    def claim_feeds(self, names: Iterable[str], now: dt.datetime, *, only_due: bool) -> dict[str, FeedState]:
        """Lease up to `worker.batch` of these feeds (only the due ones, with `only_due`) to this worker, and
        return their states: feeds another live worker holds are left to it. Saving a state ends its lease."""
        with self._write() as conn:
            return leases.claim_feeds(conn, list(dict.fromkeys(names)), self.worker, now, only_due=only_due)

    def renew_feeds(self, now: dt.datetime) -> None:
        """Extend this worker's leases on the feeds it is polling to a full lease from `now`."""
        with self._write() as conn:
            leases.renew(conn, schema.feeds, self.worker, now)

    def release_feeds(self) -> None:
        """End this worker's leases on feeds it claimed and did not save (its cycle failed)."""
        with self._write() as conn:
            leases.release(conn, schema.feeds, self.worker)

    def save_feed_states(self, states: Iterable[FeedState]) -> None:
        """Insert or update many feeds' state in one transaction (a cycle may poll a thousand feeds), ending
        this worker's leases on them. A feed another worker took over (this one's lease ran out) is left
        to that worker's save."""
        rows = [{**dataclasses.asdict(s), "lease_owner": None, "lease_until": None} for s in states]
        if not rows:
            return
        feeds = schema.feeds
        with self._write() as conn:
            held = dict(conn.execute(select(feeds.c.name, feeds.c.lease_owner)
                                     .where(feeds.c.name.in_([r["name"] for r in rows])).with_for_update()).all())
            mine = {name for name, owner in held.items() if owner in (None, self.worker.id)}
            for name in held.keys() - mine:
                log.warning("feed %s: not saved, worker %s holds it (this worker's lease ran out)", name, held[name])
            old = [{**r, "key": r["name"]} for r in rows if r["name"] in mine]
            if old:
                conn.execute(update(feeds).where(feeds.c.name == bindparam("key")), old)
            new = [r for r in rows if r["name"] not in held]
            if new:
                conn.execute(insert(feeds), new)

    # -- items ---------------------------------------------------------------------------------

    def unseen(self, candidates: Iterable[Item]) -> list[Item]:
        """The items not stored yet: a new GUID for their feed and a canonical URL never seen."""
        out: list[Item] = []
        seen_guids: set[tuple[str, str]] = set()
        seen_urls: set[str] = set()
        with self.engine.connect() as conn:
            for item in candidates:
                key = (item.feed, item.guid)
                if key in seen_guids or (item.url and item.url in seen_urls):
                    continue
                if not _is_stored(conn, item):
                    out.append(item)
                seen_guids.add(key)
                if item.url:
                    seen_urls.add(item.url)
        return out

    def story_signatures(self, since: dt.datetime) -> Iterator[tuple[int, bytes]]:
        """(story id, signature) of the first copies fetched since `since`, to rebuild the story index."""
        query = select(schema.items.c.story_id, schema.items.c.signature).where(
            schema.items.c.fetched_at >= since, schema.items.c.signature.is_not(None),
            schema.items.c.story_id == schema.items.c.id)
        with self.engine.connect() as conn:
            yield from ((row[0], row[1]) for row in conn.execute(query))

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """One transaction for many items: all of them, their links and outbox rows, or none.

        Parts of it can be undone on their own with `Batch.savepoint`.
        """
        with self._write() as conn:
            yield Batch(conn)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A transaction that will write. On SQLite it takes the write lock at once (BEGIN IMMEDIATE):
        pysqlite opens its transaction only before the first write, so a SAVEPOINT taken earlier would
        become the outermost transaction and its RELEASE would commit; and a read-then-write (a claim)
        must not fail on a stale read snapshot at its first write, nor race another process's claim."""
        with self.engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield conn

    def save_item(self, item: Item, assessment: Assessment, **kwargs: Any) -> int:
        """Store the item, its links and decision, and its outbox row, in ONE transaction."""
        with self.batch() as batch:
            return batch.save_item(item, assessment, **kwargs)


    def items_fetched_between(self, start: dt.datetime, end: dt.datetime) -> list[StoredItem]:
        query = (select(schema.items).where(schema.items.c.fetched_at >= start, schema.items.c.fetched_at < end)
                 .order_by(schema.items.c.id))
        with self.engine.connect() as conn:
            return [_stored_item(row) for row in conn.execute(query).mappings()]

    def copies_of(self, story_ids: Iterable[int]) -> dict[int, list[StoredItem]]:
        """Every later copy of each story, keyed by story id."""
        ids = list(set(story_ids))
        items = schema.items.c
        query = select(schema.items).where(items.story_id.in_(ids), items.story_id != items.id)
        out: dict[int, list[StoredItem]] = {i: [] for i in ids}
        with self.engine.connect() as conn:
            for row in conn.execute(query.order_by(schema.items.c.id)).mappings():
                out[row["story_id"]].append(_stored_item(row))
        return out

    def assessments_between(self, start: dt.datetime, end: dt.datetime) -> dict[int, Assessment]:
        """The decisions on items fetched in [start, end), by item id: two queries for a whole day."""
        return self._assessments(and_(schema.items.c.fetched_at >= start, schema.items.c.fetched_at < end))

    def _assessments(self, which: ColumnElement[bool]) -> dict[int, Assessment]:
        with self.engine.connect() as conn:
            return assessments_where(conn, which)

    # -- alert outbox --------------------------------------------------------------------------

    def pending_alerts(self) -> list[OutboxRow]:
        return self.pending("alerts")

    def pending(self, outbox: Outbox) -> list[OutboxRow]:
        """The rows of `outbox` still to send, oldest first."""
        if outbox != "alerts":
            table = _outbox(outbox)
            query = select(table).where(table.c.status == "pending").order_by(table.c.id)
            with self.engine.connect() as conn:
                return [OutboxRow(id=r["id"], item_id=0, thread_of=None, thread_ts=None, payload=r["payload"],
                                  attempts=r["attempts"], created_at=r["created_at"])
                        for r in conn.execute(query).mappings()]
        root = schema.alerts.alias("root")
        query = (select(schema.alerts, root.c.ts.label("root_ts"))
                 .outerjoin(root, root.c.id == schema.alerts.c.thread_of)
                 .where(schema.alerts.c.status == "pending").order_by(schema.alerts.c.id))
        with self.engine.connect() as conn:
            return [OutboxRow(id=r["id"], item_id=r["item_id"], thread_of=r["thread_of"], thread_ts=r["root_ts"],
                              payload=r["payload"], attempts=r["attempts"], created_at=r["created_at"])
                    for r in conn.execute(query).mappings()]

    def claim_pending(self, outbox: Outbox, now: dt.datetime, *, after_id: int = 0) -> list[OutboxRow]:
        """Lease to this worker a batch of the rows of `outbox` still to send (ids past `after_id`), oldest
        first; rows another live worker holds are left to it. Cheap when none is pending: one read."""
        table = _outbox(outbox)
        with self.engine.connect() as conn:
            if not leases.has_free_pending(conn, table, self.worker, now):
                return []
        with self._write() as conn:
            rows = leases.claim_outbox(conn, table, self.worker, now, after_id=after_id)
        return [OutboxRow(id=r["id"], item_id=r.get("item_id", 0), thread_of=r.get("thread_of"),
                          thread_ts=r.get("root_ts"), payload=r["payload"], attempts=r["attempts"],
                          created_at=r["created_at"]) for r in rows]

    def release_outbox(self, outbox: Outbox) -> None:
        """End this worker's leases on rows of `outbox` it claimed and did not send."""
        with self._write() as conn:
            leases.release(conn, _outbox(outbox), self.worker)

    def mark_attempt(self, outbox: Outbox, row_id: int, now: dt.datetime) -> bool:
        """Recorded (and committed) BEFORE a send: after a crash, attempts > 0 means 'outcome unknown'.
        The lease is renewed for the send; False (nothing recorded, do not send) when the row was sent
        meanwhile or another worker holds it."""
        table = _outbox(outbox)
        mine = or_(table.c.lease_owner.is_(None), table.c.lease_owner == self.worker.id)
        with self.engine.begin() as conn:
            done = conn.execute(update(table).where(table.c.id == row_id, table.c.status == "pending", mine)
                                .values(attempts=table.c.attempts + 1, last_attempt=now, lease_owner=self.worker.id,
                                        lease_until=now + self.worker.lease))
            return done.rowcount == 1

    def mark_sent(self, outbox: Outbox, row_id: int, ts: str, now: dt.datetime) -> None:
        table = _outbox(outbox)
        with self.engine.begin() as conn:
            conn.execute(update(table).where(table.c.id == row_id)
                         .values(status="sent", ts=ts, sent_at=now, last_error="", lease_owner=None, lease_until=None))

    def mark_error(self, outbox: Outbox, row_id: int, error: str) -> None:
        """Kept pending with its error; its lease lasts until the delivery round ends (`release_outbox`)."""
        table = _outbox(outbox)
        with self.engine.begin() as conn:
            conn.execute(update(table).where(table.c.id == row_id).values(last_error=error[:2000]))

    def alert(self, alert_id: int) -> AlertRow | None:
        query = select(schema.alerts).where(schema.alerts.c.id == alert_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return None if row is None else AlertRow(row["id"], row["item_id"], row["payload"], row["ts"])

    def alert_ids(self) -> list[int]:
        with self.engine.connect() as conn:
            return list(conn.execute(select(schema.alerts.c.id).order_by(schema.alerts.c.id)).scalars())

    def alert_counts(self) -> dict[str, int]:
        query = select(schema.alerts.c.status, func.count()).group_by(schema.alerts.c.status)
        with self.engine.connect() as conn:
            return {status: count for status, count in conn.execute(query)}

    def alerted_item_ids(self, item_ids: Iterable[int]) -> set[int]:
        query = select(schema.alerts.c.item_id).where(schema.alerts.c.item_id.in_(list(item_ids)))
        with self.engine.connect() as conn:
            return {row[0] for row in conn.execute(query)}

    # -- reviews -------------------------------------------------------------------------------

    def add_review(self, alert_id: int, verdict: Verdict, *, by: str, now: dt.datetime, note: str = "",
                   via: str = "cli") -> Review:
        """Record a verdict on an alert; earlier verdicts stay as history, the latest is the one that counts."""
        review = Review(alert_id=alert_id, verdict=verdict, by=by, at=now, note=note, via=via)
        with self.engine.begin() as conn:
            if conn.execute(select(schema.alerts.c.id).where(schema.alerts.c.id == alert_id)).first() is None:
                raise UnknownAlert(f"no alert {alert_id} in the store")
            conn.execute(insert(schema.reviews).values(alert_id=alert_id, verdict=verdict, reviewer=by,
                                                       reviewed_at=now, note=note, via=via))
        return review

    def reviews(self, alert_id: int) -> list[Review]:
        """Every verdict on the alert, oldest first."""
        query = select(schema.reviews).where(schema.reviews.c.alert_id == alert_id).order_by(schema.reviews.c.id)
        with self.engine.connect() as conn:
            return [r for r in map(_review, conn.execute(query).mappings()) if r is not None]

    def latest_review(self, alert_id: int) -> Review | None:
        history = self.reviews(alert_id)
        return history[-1] if history else None

    def verdicts(self, item_ids: Iterable[int]) -> dict[int, Review]:
        """The latest review of each item's alert, by item id (items never reviewed are absent)."""
        ids = list(item_ids)
        latest = (select(func.max(schema.reviews.c.id)).join(schema.alerts)
                  .where(schema.alerts.c.item_id.in_(ids)).group_by(schema.reviews.c.alert_id))
        query = (select(schema.reviews, schema.alerts.c.item_id).join(schema.alerts)
                 .where(schema.reviews.c.id.in_(latest)))
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return {row["item_id"]: review for row in rows if (review := _review(row)) is not None}

    def reviewed_items(self) -> list[tuple[StoredItem, Assessment, Review]]:
        """Every reviewed alert's item, with its current assessment and latest verdict, in alert order."""
        with self.engine.connect() as conn:
            item_ids = list(conn.execute(select(schema.alerts.c.item_id).join(schema.reviews).distinct()
                                         .order_by(schema.alerts.c.item_id)).scalars())
            items = {row["id"]: _stored_item(row)
                     for row in conn.execute(select(schema.items).where(schema.items.c.id.in_(item_ids))).mappings()}
        found = self.verdicts(item_ids)
        assessed = self.assessments_of(item_ids)
        return [(items[i], assessed.get(i, Assessment()), found[i]) for i in item_ids if i in found]

    # -- relinking ------------------------------------------------------------------------------

    def stored_items(self, since: dt.datetime | None = None, *, after_id: int = 0,
                     limit: int = 200) -> list[StoredItem]:
        """A page of stored items (fetched since `since`), by id, to relink a large archive in slices."""
        query = select(schema.items).where(schema.items.c.id > after_id)
        if since is not None:
            query = query.where(schema.items.c.fetched_at >= since)
        with self.engine.connect() as conn:
            return [_stored_item(row) for row in conn.execute(query.order_by(schema.items.c.id).limit(limit))
                    .mappings()]

    def assessments_of(self, item_ids: Iterable[int]) -> dict[int, Assessment]:
        return self._assessments(schema.items.c.id.in_(list(item_ids)))

    def archive_reported(self, item_ids: Iterable[int]) -> set[tuple[int, str]]:
        """The (item, unit) pairs of these items already reported "from the archive"."""
        query = select(schema.archive_items.c.item_id, schema.archive_items.c.unit_id).where(
            schema.archive_items.c.item_id.in_(list(item_ids)))
        with self.engine.connect() as conn:
            return {(row[0], row[1]) for row in conn.execute(query)}

    def save_relinked(self, relinked: Iterable[Relinked], messages: Iterable[NewArchiveMessage],
                      now: dt.datetime) -> list[int]:
        """ONE transaction: the new assessments replace the old (links too), and the archive messages are
        queued with the (item, unit) pairs they report; a pair reported before fails the whole batch
        (its primary key), so nothing is ever reported twice. Returns the queued messages' ids."""
        with self.engine.begin() as conn:
            for r in relinked:
                conn.execute(delete(schema.links).where(schema.links.c.item_id == r.item_id))
                conn.execute(delete(schema.assessments).where(schema.assessments.c.item_id == r.item_id))
                _insert_assessment(conn, r.item_id, r.assessment)
            ids = []
            for m in messages:
                result = conn.execute(insert(schema.archive_messages).values(
                    unit_id=m.unit_id, payload=m.payload, created_at=now, status="pending", attempts=0))
                assert result.inserted_primary_key is not None
                message_id = int(result.inserted_primary_key[0])
                conn.execute(insert(schema.archive_items),
                             [dict(item_id=i, unit_id=m.unit_id, message_id=message_id) for i in m.item_ids])
                ids.append(message_id)
        return ids

    def archive_counts(self) -> dict[str, int]:
        table = schema.archive_messages
        with self.engine.connect() as conn:
            return {status: count for status, count in
                    conn.execute(select(table.c.status, func.count()).group_by(table.c.status))}

    # -- named values ---------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == key)).scalar()

    def set_meta(self, key: str, value: str) -> None:
        with self.engine.begin() as conn:
            if conn.execute(update(schema.meta).where(schema.meta.c.key == key).values(value=value)).rowcount == 0:
                conn.execute(insert(schema.meta).values(key=key, value=value))

    # -- digests -------------------------------------------------------------------------------

    def digest(self, day: dt.date) -> DigestRow | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(schema.digests).where(schema.digests.c.day == day)).mappings().first()
        return None if row is None else DigestRow(row["day"], row["status"], row["message_id"], row["attempts"])

    def pending_digest_days(self) -> list[dt.date]:
        """Days whose digest was claimed but never went out (SMTP down, process stopped)."""
        query = select(schema.digests.c.day).where(schema.digests.c.status == "pending").order_by(schema.digests.c.day)
        with self.engine.connect() as conn:
            return [row[0] for row in conn.execute(query)]

    def claim_digest(self, day: dt.date, message_id: str, now: dt.datetime) -> DigestRow | None:
        """The digest row for `day` (created pending if absent; its message id stays stable across retries),
        leased to this worker to send it; None when it was sent already or another worker is sending it."""
        with self._write() as conn:
            claimed = leases.claim_digest(conn, day, message_id, self.worker, now)
        return self.digest(day) if claimed else None

    def mark_digest(self, day: dt.date, *, sent: bool, now: dt.datetime, error: str = "") -> None:
        """Sent, or kept pending with its error; either way the lease ends."""
        values: dict[str, Any] = {"last_error": error[:2000], "lease_owner": None, "lease_until": None}
        if sent:
            values.update(status="sent", sent_at=now)
        with self.engine.begin() as conn:
            conn.execute(update(schema.digests).where(schema.digests.c.day == day).values(**values))


class Batch:
    """Writes inside one open transaction (see `Store.batch`); reads see the batch's own writes."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A part of the batch that is undone alone when it raises; the rest of the batch stands."""
        with self._conn.begin_nested():
            yield

    def save_item(self, item: Item, assessment: Assessment, *, fetched_at: dt.datetime,
                  story_id: int | None = None, signature: bytes | None = None,
                  alert: dict[str, Any] | None = None, thread_key: str = "", thread_of: int | None = None) -> int:
        """Record the item, its links and the decision made on it (`monitor.decide`): its story,
        and the alert payload with its thread, queued in the outbox."""
        item_id = _insert_item(self._conn, item, fetched_at, story_id, signature)
        _insert_assessment(self._conn, item_id, assessment)
        if alert is not None:
            self._conn.execute(insert(schema.alerts).values(
                item_id=item_id, thread_key=thread_key, thread_of=thread_of, payload=alert,
                created_at=fetched_at, status="pending", attempts=0))
        return item_id

    def is_stored(self, item: Item) -> bool:
        return _is_stored(self._conn, item)

    def story_has_alert(self, story_id: int) -> bool:
        query = (select(func.count()).select_from(schema.alerts.join(schema.items))
                 .where(schema.items.c.story_id == story_id))
        return bool(self._conn.execute(query).scalar())

    def thread_roots(self, since: dt.datetime) -> list[ThreadRoot]:
        """The first alerts of the threads started since `since`."""
        alerts = schema.alerts.c
        query = (select(alerts.thread_key, alerts.id, alerts.created_at)
                 .where(alerts.thread_of.is_(None), alerts.thread_key != "", alerts.created_at >= since)
                 .order_by(alerts.id))
        return [ThreadRoot(key, alert_id, created_at) for key, alert_id, created_at in self._conn.execute(query)]


def _outbox(name: Outbox) -> Table:
    tables = {"alerts": schema.alerts, "archive_messages": schema.archive_messages}
    return tables[name]


def _review(row: Any) -> Review | None:
    verdict = as_verdict(row["verdict"])
    if verdict is None:  # a verdict this version does not know (a newer monitor wrote it): not shown
        return None
    return Review(alert_id=row["alert_id"], verdict=verdict, by=row["reviewer"], at=row["reviewed_at"],
                  note=row["note"], via=row["via"])


def database_failed(exc: BaseException) -> bool:
    """True when `exc` says the database itself failed (gone, locked, full), so no item is to blame."""
    return isinstance(exc, OperationalError)


def assessments_where(conn: Connection, which: ColumnElement[bool]) -> dict[int, Assessment]:
    """The decisions (with their links) on the items `which` selects, by item id, in two queries."""
    decisions = select(schema.assessments).join(schema.items).where(which)
    links = select(schema.links).join(schema.items).where(which).order_by(schema.links.c.id)
    rows = conn.execute(decisions).mappings().all()
    by_item: dict[int, list[Any]] = {}
    for link in conn.execute(links).mappings():
        by_item.setdefault(link["item_id"], []).append(link)
    return {row["item_id"]: _assessment(row, by_item.get(row["item_id"], [])) for row in rows}


def open_engine(url: str) -> Engine:
    """An engine on `url`, connected once: a URL that names no database we can use, or a server that
    cannot be reached, is a ConfigError naming MONITOR_DB (one line, the password hidden), not a traceback."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError("not a database URL (expected sqlite:///FILE or postgresql+psycopg://USER@HOST/DB)",
                          field="MONITOR_DB") from None
    if parsed.drivername in ("postgresql", "postgres"):  # the driver we ship: psycopg 3, not psycopg2
        parsed = parsed.set(drivername="postgresql+psycopg")
    shown = parsed.render_as_string(hide_password=True)
    postgres = parsed.get_backend_name() == "postgresql"
    try:
        # A server that drops packets would otherwise keep `monitor` waiting for minutes. JSON documents
        # (pages, payloads, evidence) lose NUL characters as text columns do (schema.NulFreeText).
        engine = create_engine(parsed, connect_args={"connect_timeout": 10} if postgres else {},
                               json_serializer=_json_without_nul)
    except (ArgumentError, ImportError) as exc:
        raise ConfigError(f"{shown}: no database driver for it ({_first_line(exc)})", field="MONITOR_DB") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        engine.dispose()
        raise ConfigError(f"cannot open {shown}: {_first_line(exc.orig)}", field="MONITOR_DB") from None
    return engine


def _json_without_nul(value: Any) -> str:
    return json.dumps(schema.without_nul(value))


def _first_line(exc: BaseException | None) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets `monitor digest` read while `monitor run` writes; the timeout (30 s) rides out locks such as a
    # schema build on a loaded machine. It comes first: switching a new file to WAL waits for a process that
    # is building the schema (before, that wait had sqlite3's default 5 s, and a test failed under load).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    _switch_to_wal(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _is_busy(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


# Switching a file to WAL takes its exclusive lock without SQLite's busy handler, so two processes opening
# one new database at once could see "database is locked" at once (about one start in ten with three
# workers). The switch is retried as the busy timeout would have waited.
@retry(retry=retry_if_exception(_is_busy), wait=wait_random(0.01, 0.1), stop=stop_after_delay(30), reraise=True)
def _switch_to_wal(cursor: sqlite3.Cursor) -> None:
    cursor.execute("PRAGMA journal_mode=WAL")


def _is_stored(conn: Connection, item: Item) -> bool:
    same_guid = and_(schema.items.c.feed == item.feed, schema.items.c.guid == item.guid)
    condition = or_(same_guid, schema.items.c.url == item.url) if item.url else same_guid
    return conn.execute(select(schema.items.c.id).where(condition).limit(1)).first() is not None


def _insert_item(conn: Connection, item: Item, fetched_at: dt.datetime, story_id: int | None,
                 signature: bytes | None) -> int:
    result = conn.execute(insert(schema.items).values(
        feed=item.feed, guid=item.guid, url=item.url, title=item.title, summary=item.summary,
        source=item.source, language=item.language, published=item.published, fetched_at=fetched_at,
        pages=[[p.number, p.text] for p in item.pages], story_id=story_id, signature=signature))
    assert result.inserted_primary_key is not None
    item_id = int(result.inserted_primary_key[0])
    if story_id is None:  # the first copy of its story
        conn.execute(update(schema.items).where(schema.items.c.id == item_id).values(story_id=item_id))
    return item_id


def _insert_assessment(conn: Connection, item_id: int, a: Assessment) -> None:
    conn.execute(insert(schema.assessments).values(
        item_id=item_id, allegation=a.allegation is not None,
        allegation_types=list(a.allegation.types) if a.allegation else [],
        implicated=list(a.implicated), at_risk=list(a.at_risk), alert=a.alert, notes=list(a.notes)))
    rows = [dict(item_id=item_id, target=link.target, target_id=link.id, score=float(link.score), via=link.via,
                 implicated=link.implicated, stance=link.stance,
                 evidence=[dataclasses.asdict(e) for e in link.evidence])
            for link in (*a.cases, *a.units, *a.statements)]
    if rows:
        conn.execute(insert(schema.links), rows)


def _stored_item(row: Any) -> StoredItem:
    item = Item(feed=row["feed"], guid=row["guid"], url=row["url"], title=row["title"], summary=row["summary"],
                published=row["published"], language=row["language"], source=row["source"],
                pages=tuple(Page(text=text, number=number) for number, text in row["pages"]))
    return StoredItem(id=row["id"], item=item, story_id=row["story_id"], fetched_at=row["fetched_at"])


def _assessment(row: Any, link_rows: Iterable[Any]) -> Assessment:
    grouped: dict[str, list[Link]] = {"case": [], "unit": [], "statement": []}
    for r in link_rows:
        evidence = tuple(Evidence(**e) for e in r["evidence"])
        grouped[r["target"]].append(Link(target=r["target"], id=r["target_id"], score=r["score"], evidence=evidence,
                                         via=r["via"], implicated=r["implicated"], stance=r["stance"]))
    allegation = Allegation(types=tuple(row["allegation_types"])) if row["allegation"] else None
    return Assessment(cases=tuple(grouped["case"]), units=tuple(grouped["unit"]),
                      statements=tuple(grouped["statement"]), allegation=allegation,
                      implicated=tuple(row["implicated"]), at_risk=tuple(row["at_risk"]), alert=row["alert"],
                      notes=tuple(row["notes"]))
