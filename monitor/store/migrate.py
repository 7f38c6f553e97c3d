"""Bring a database to the current schema with Alembic, on every start and with `monitor db upgrade`.

    no tables at all              -> the tables of `schema.metadata`, stamped with the newest revision
    tables, no alembic_version    -> a first-release database: stamped as the baseline (0001), upgraded
    an older revision             -> upgraded; nothing is dropped or rewritten, rows are kept
    a revision this code lacks    -> SchemaError: the database was made by a newer monitor

The migrations live in `monitor/migrations/` inside the package, so `monitor` finds them from any
working directory and from an editable or a regular install alike. The whole upgrade is one
transaction; it takes a lock first (SQLite's write lock, a PostgreSQL advisory lock), so two processes
starting together upgrade once.

Every command opens the store, and nearly always the database is at the newest revision already:
that is found with one read of `alembic_version` against the revisions named in the migration files,
without loading Alembic (a third of a second of start-up); Alembic runs only when there is work.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Column, Engine, MetaData, String, Table, inspect, select
from sqlalchemy.engine import Connection

from monitor.domain.errors import MonitorError
from monitor.store import schema

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
BASELINE = "0001"  # the first release's schema, which had no alembic_version table
_UPGRADE_LOCK = 0x6D6F6E69  # "moni": the PostgreSQL advisory lock key of the schema upgrade
# `revision = "0003"` and `down_revision = "0002"` (or None), as every migration file states them
# (Alembic's newer template annotates them: `revision: str = "0003"`).
_REVISION_LINE = re.compile(r"""^(down_revision|revision)\s*(?::[^=\n]+)?=\s*(?:["']([^"']+)["']|None)\s*$""",
                            re.MULTILINE)


class SchemaError(MonitorError):
    """The database cannot be brought to this version's schema."""


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, f"no migrations found in {MIGRATIONS}"
    return head


def newest_revision() -> str | None:
    """The head as the migration files name it, read without Alembic (a test holds it equal to
    `head_revision`); None when the files do not make one linear history, and Alembic decides."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in MIGRATIONS.glob("versions/*.py"):
        for kind, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            if value:
                (revisions if kind == "revision" else parents).add(value)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> list[str]:
    """Upgrade the database to the newest revision; returns the revisions applied (empty: none needed)."""
    if _at_revision(engine, newest_revision()):
        return []
    from alembic.runtime.migration import MigrationContext

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


def _at_revision(engine: Engine, revision: str | None) -> bool:
    """True when the database's one alembic_version row is `revision`: nothing to migrate."""
    if revision is None:
        return False
    with engine.connect() as conn:
        if not inspect(conn).has_table(_VERSION_TABLE.name):
            return False
        return list(conn.execute(select(_VERSION_TABLE.c.version_num)).scalars()) == [revision]


def _upgrade(conn: Connection, current: str | None, head: str) -> list[str]:
    from alembic import command
    from alembic.script import ScriptDirectory

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
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


# Alembic's own bookkeeping table, as it creates it; read here only to skip Alembic when at head.
_VERSION_TABLE = Table("alembic_version", MetaData(), Column("version_num", String(32), primary_key=True))
