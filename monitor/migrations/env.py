"""Alembic's entry point: migrate on the connection `monitor.store.migrate` passes in `config.attributes`."""

from __future__ import annotations

from typing import Any

from alembic import context

from monitor.store.schema import metadata
from monitor.store.search import is_fulltext_object


def include_name(name: str | None, type_: str, _parents: Any) -> bool:
    """Leave the search objects of migration 0003 (SQLite's FTS5 table and its shadow tables, PostgreSQL's
    generated column and its index) out of autogenerate, which would otherwise propose dropping them:
    they are in no Table of `metadata`."""
    return not is_fulltext_object(name, type_)


connection = context.config.attributes["connection"]
# render_as_batch: SQLite alters a table by copying it; Alembic's batch mode does that for us.
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True, include_name=include_name)
with context.begin_transaction():
    context.run_migrations()
