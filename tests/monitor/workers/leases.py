"""Helpers for the multi-worker tests: read the leases a (killed) worker left, and wait them out."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import create_engine, func, select

from monitor.store import schema

LEASED = (schema.feeds, schema.alerts, schema.archive_messages, schema.digests)


def lease_owners(db_url: str) -> dict[str, set[str]]:
    """table -> the workers holding a lease in it (expired or not)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return {t.name: set(conn.execute(select(t.c.lease_owner).where(t.c.lease_owner.is_not(None))).scalars())
                    for t in LEASED}
    finally:
        engine.dispose()


def wait_for_leases_to_run_out(db_url: str) -> None:
    """Block until every lease in the database has run out: the takeover this test is about needs the
    wall clock to pass the lease a killed process left (a short one: MONITOR_LEASE_SECONDS)."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            ends = [conn.execute(select(func.max(t.c.lease_until))).scalar() for t in LEASED]
    finally:
        engine.dispose()
    latest = max((schema.UTCDateTime().process_result_value(e, None) for e in ends if e is not None),  # type: ignore[arg-type]
                 default=None)
    if latest is not None:
        left = (latest - dt.datetime.now(dt.UTC)).total_seconds()
        assert left < 60, f"a lease runs {left:.0f} s more: the test set no short MONITOR_LEASE_SECONDS"
        threading.Event().wait(max(left, 0) + 0.05)
