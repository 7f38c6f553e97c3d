"""Storage: the only package that speaks SQL.

    database   the `Store` (SQLAlchemy): feed state, items, links, the outbox, digests
    schema     its tables (SQLAlchemy Core), SQLite by default, PostgreSQL through the same code
    health     feed health for `monitor feeds list`, read with sqlite3 so that command starts fast
    leases     claims under a lease (feeds, outbox rows, the digest), so several workers share one database
    worker     this process's worker id and lease settings (no SQLAlchemy: the CLI's log format uses it)
    runlock    one `monitor run` per SQLite file (an OS lock beside it)

This file imports nothing, so `monitor.store.health` can be read without loading SQLAlchemy.
"""
