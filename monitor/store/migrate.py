"""Bring a database to the current schema with Alembic, on every start and with `monitor db upgrade`.

    no tables at all              -> the tables of `schema.metadata`, stamped with the newest revision
    tables, no alembic_version    -> a first-release database: stamped as the baseline (0001), upgraded
    an older revision             -> upgraded; nothing is dropped or rewritten, rows are kept
    a revision this code lacks    -> SchemaError: the database was made by a newer monitor

The migrations live in `monitor/migrations/` inside the package, so `monitor` finds them from any
working directory and from an editable or a regular install alike. The whole upgrade is one
transaction; it takes a lock first (SQLite's write lock, a PostgreSQL advisory lock), so two processes
starting together upgrade once.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect
from sqlalchemy.engine import Connection

from monitor.domain.errors import MonitorError
from monitor.store import schema

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
BASELINE = "0001"  # the first release's schema, which had no alembic_version table
_UPGRADE_LOCK = 0x6D6F6E69  # "moni": the PostgreSQL advisory lock key of the schema upgrade


class SchemaError(MonitorError):
    """The database cannot be brought to this version's schema."""


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, f"no migrations found in {MIGRATIONS}"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> list[str]:
    """Upgrade the database to the newest revision; returns the revisions applied (empty: none needed)."""
    head = head_revision()
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # see Store.batch: the lock now, not at the first write
        elif conn.dialect.name == "postgresql":  # held to the end of this transaction
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_UPGRADE_LOCK})")
        current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return []
        return _upgrade(conn, current, head)


def _upgrade(conn: Connection, current: str | None, head: str) -> list[str]:
    config = alembic_config(conn)
    script = ScriptDirectory.from_config(config)
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise SchemaError(f"the database is at schema revision {current}, which this monitor does not know "
                          f"(newest here: {head}); it was made by a newer monitor: upgrade the program")
    if current is None and not inspect(conn).get_table_names():
        schema.metadata.create_all(conn)  # a new database: today's tables at once
        command.stamp(config, head)
        return [head]
    if current is None:
        command.stamp(config, BASELINE)
        current = BASELINE
    applied = [rev.revision for rev in script.iterate_revisions(head, current)]
    command.upgrade(config, head)
    return list(reversed(applied))


def alembic_config(conn: Connection | None = None) -> Config:
    """Alembic's configuration for our migrations, running on `conn` (see migrations/env.py); no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config
