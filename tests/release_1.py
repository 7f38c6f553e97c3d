"""The first release's database, tests/fixtures/release-1.monitor.db (SQLite: the demo's 9 items and 4 alerts),
on the engine of the run: the file itself on SQLite; on PostgreSQL, which that release did not run on,
migration 0001's tables holding the fixture's rows, and no alembic_version table."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import MetaData, create_engine

from monitor.store import migrate

RELEASE_1 = Path(__file__).resolve().parent / "fixtures" / "release-1.monitor.db"
OLD_TABLES = ("feeds", "items", "assessments", "links", "alerts", "digests")


def copy_to_file(path: Path) -> str:
    shutil.copy(RELEASE_1, path)
    return f"sqlite:///{path}"


def copy_to(url: str) -> str:
    """Migration 0001's tables on the empty database `url`, the fixture's rows in them, no alembic_version."""
    target = create_engine(url)
    with target.begin() as conn:
        command.upgrade(migrate.alembic_config(conn), migrate.BASELINE)
        conn.exec_driver_sql("DROP TABLE alembic_version")
    source = create_engine(f"sqlite:///{RELEASE_1}")
    old, new = MetaData(), MetaData()
    old.reflect(source, only=OLD_TABLES)
    new.reflect(target, only=OLD_TABLES)
    with source.connect() as read, target.begin() as write:
        for name in OLD_TABLES:
            found = [{k: _utc(v) for k, v in r.items()} for r in read.execute(old.tables[name].select()).mappings()]
            write.execute(new.tables[name].insert(), found)
        for name in ("items", "links", "alerts"):  # the ids were given: move the sequences past them
            write.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), max(id)) FROM {name}")
    source.dispose()
    target.dispose()
    return url


def _utc(value: Any) -> Any:
    # The first release kept naive UTC times.
    return value.replace(tzinfo=dt.UTC) if isinstance(value, dt.datetime) else value
