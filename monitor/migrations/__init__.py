"""The database's history as Alembic migrations, shipped inside the package so any working directory finds them.

    env.py       how Alembic runs here: on the connection the store hands it, never from alembic.ini
    versions/    0001 the first release's schema (the baseline), 0002 the review loop's tables

`monitor.store.migrate` runs them; `monitor db upgrade` and every `Store(...)` start call it.
"""
