"""Claims under a lease, so several workers on one database never do the same work twice.

    claim_feeds     the due feeds a worker polls now (at most its batch), rows made first for new feeds
    claim_outbox    the pending alerts or archive messages a worker posts now
    claim_digest    the one worker that sends a day's digest

Each claim is one transaction. PostgreSQL: `SELECT ... FOR UPDATE SKIP LOCKED`, so two workers
claiming at once take disjoint rows without waiting for each other, then the lease is set. SQLite:
the same statements under `BEGIN IMMEDIATE` (the write lock first), which serialises the claimers.
A row is free when nobody holds it, when its lease ran out (the holder died: the work is taken
over, and the takeover logged), or when the claimer holds it already.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from monitor.domain.item import FeedState
from monitor.store import schema
from monitor.store.worker import Worker

log = logging.getLogger(__name__)

STATE_COLUMNS = tuple(schema.feeds.c[f.name] for f in dataclasses.fields(FeedState))
OUTBOX_BATCH = 50  # rows one outbox claim takes; the delivery loop claims again until none is left


def free(table: Table, worker: Worker, now: dt.datetime) -> ColumnElement[bool]:
    """Nobody holds the row, its lease ran out, or `worker` holds it."""
    c = table.c
    return or_(c.lease_until.is_(None), c.lease_until <= now, c.lease_owner == worker.id)


def claim_feeds(conn: Connection, names: Sequence[str], worker: Worker, now: dt.datetime, *,
                only_due: bool) -> dict[str, FeedState]:
    """Lease up to `worker.batch` of the named feeds (only those due, with `only_due`), most overdue first;
    their states, read under the lease. Feeds the table does not know yet get their row first."""
    feeds = schema.feeds
    _add_rows(conn, names)
    query = (select(*STATE_COLUMNS, feeds.c.lease_owner, feeds.c.lease_until)
             .where(feeds.c.name.in_(names), free(feeds, worker, now))
             .order_by(feeds.c.next_poll.asc().nulls_first(), feeds.c.name).limit(worker.batch)
             .with_for_update(skip_locked=True))
    if only_due:
        query = query.where(or_(feeds.c.next_poll.is_(None), feeds.c.next_poll <= now))
    rows = conn.execute(query).mappings().all()
    if not rows:
        return {}
    _log_takeovers("feed", [(r["name"], r["lease_owner"], r["lease_until"]) for r in rows], worker, now)
    claimed = [r["name"] for r in rows]
    conn.execute(update(feeds).where(feeds.c.name.in_(claimed))
                 .values(lease_owner=worker.id, lease_until=now + worker.lease))
    return {r["name"]: FeedState(**{c.name: r[c.name] for c in STATE_COLUMNS}) for r in rows}


def _add_rows(conn: Connection, names: Sequence[str]) -> None:
    """A row for each feed new to the table, so it can be locked and leased like the others. Sorted,
    so two workers adding the same new feeds wait on each other in one order and never deadlock."""
    feeds = schema.feeds
    known = set(conn.execute(select(feeds.c.name).where(feeds.c.name.in_(names))).scalars())
    new = sorted(set(names) - known)
    if new:
        conn.execute(_insert_ignoring_duplicates(conn, feeds), [{"name": name} for name in new])


def _insert_ignoring_duplicates(conn: Connection, table: Table) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING: a row another worker made meanwhile is theirs, not an error."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    return insert(table)  # no ON CONFLICT elsewhere: a race on a brand-new row fails that claim, tried next tick


def claim_outbox(conn: Connection, table: Table, worker: Worker, now: dt.datetime, *, after_id: int) -> list[Any]:
    """Lease up to OUTBOX_BATCH pending rows of `table` with ids past `after_id`, oldest first.

    An alert that replies in a thread whose first alert is still pending is left alone unless the
    first alert is in the same claim: posted before its root, it would land outside the thread.
    Returns the rows (alerts with their root's Slack ts as `root_ts`).
    """
    query = (select(table).where(table.c.status == "pending", table.c.id > after_id, free(table, worker, now))
             .order_by(table.c.id).limit(OUTBOX_BATCH).with_for_update(skip_locked=True, of=table))
    if table is schema.alerts:
        root = schema.alerts.alias("root")
        query = (query.add_columns(root.c.ts.label("root_ts"), root.c.status.label("root_status"))
                 .outerjoin(root, root.c.id == table.c.thread_of))
    rows = conn.execute(query).mappings().all()
    ids = {r["id"] for r in rows}
    rows = [r for r in rows if r.get("root_status", "sent") != "pending" or r["thread_of"] in ids]
    if not rows:
        return []
    _log_takeovers(table.name, [(r["id"], r["lease_owner"], r["lease_until"]) for r in rows], worker, now)
    conn.execute(update(table).where(table.c.id.in_([r["id"] for r in rows]))
                 .values(lease_owner=worker.id, lease_until=now + worker.lease))
    return rows


def has_free_pending(conn: Connection, table: Table, worker: Worker, now: dt.datetime) -> bool:
    """A read, no lock: is there a pending row this worker could claim? Most calls find none."""
    query = select(table.c.id).where(table.c.status == "pending", free(table, worker, now)).limit(1)
    return conn.execute(query).first() is not None


def claim_digest(conn: Connection, day: dt.date, message_id: str, worker: Worker, now: dt.datetime) -> bool:
    """Make the day's digest row (pending) if absent, and lease it to `worker` if it is pending and free.

    The insert ignores a row another worker made meanwhile (its primary key, the day); the lease is one
    conditional UPDATE, which the database applies to one claimer only (the other sees the row taken
    after waiting for its lock). True when `worker` now holds the digest and is to send it.
    """
    digests = schema.digests
    conn.execute(_insert_ignoring_duplicates(conn, digests).values(
        day=day, status="pending", message_id=message_id, attempts=0, created_at=now))
    claimed = conn.execute(update(digests).where(digests.c.day == day, digests.c.status == "pending",
                                                 free(digests, worker, now))
                           .values(attempts=digests.c.attempts + 1, lease_owner=worker.id,
                                   lease_until=now + worker.lease))
    return claimed.rowcount == 1


def renew(conn: Connection, table: Table, worker: Worker, now: dt.datetime) -> None:
    """A full lease from `now` on every row `worker` holds in `table`: it is alive and still at work."""
    conn.execute(update(table).where(table.c.lease_owner == worker.id).values(lease_until=now + worker.lease))


def release(conn: Connection, table: Table, worker: Worker) -> None:
    """End every lease `worker` holds in `table` (work it claimed and did not finish)."""
    conn.execute(update(table).where(table.c.lease_owner == worker.id).values(lease_owner=None, lease_until=None))


def _log_takeovers(what: str, rows: list[tuple[Any, str | None, dt.datetime | None]], worker: Worker,
                   now: dt.datetime) -> None:
    for key, owner, until in rows:
        if owner is not None and owner != worker.id and until is not None and until <= now:
            log.warning("%s %s: taken over from worker %s, whose lease ran out at %s", what, key, owner,
                        until.isoformat(timespec="seconds"))
