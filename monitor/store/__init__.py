"""Storage: the only package that speaks SQL.

    database   the `Store` (SQLAlchemy): feed state, items, links, the outbox, digests
    schema     its tables (SQLAlchemy Core), SQLite by default, PostgreSQL through the same code
    health     feed health for `monitor feeds list`, read with sqlite3 so that command starts fast

This file imports nothing, so `monitor.store.health` can be read without loading SQLAlchemy.
"""
