"""Alembic's entry point: migrate on the connection `monitor.store.migrate` passes in `config.attributes`."""

from __future__ import annotations

from typing import Any

from alembic import context

from monitor.store.schema import metadata
from monitor.store.search import is_fulltext_table


def include_name(name: str | None, type_: str, _parents: Any) -> bool:
    """Leave the FTS5 table and its shadow tables (SQLite's own, made by migration 0003) out of
    autogenerate, which would otherwise propose dropping them: they are in no Table of `metadata`."""
    return not (type_ == "table" and is_fulltext_table(name))


connection = context.config.attributes["connection"]
# render_as_batch: SQLite alters a table by copying it; Alembic's batch mode does that for us.
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True, include_name=include_name)
with context.begin_transaction():
    context.run_migrations()
