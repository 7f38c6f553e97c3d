"""One `monitor run` per SQLite file: a second one on the same database refuses to start.

SQLite has no row locks to share feeds between processes, and two schedulers on one file would
poll every feed twice as often. `monitor run` holds an OS lock (flock, through `filelock`) on a
file beside the database for as long as it runs; the kernel drops it when the process ends, a
SIGKILL included, so a crashed run never blocks the next. PostgreSQL takes any number of runs.
`monitor poll` is not locked: its claims keep it off the feeds a running worker holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from monitor.domain.errors import ConfigError


def sqlite_file(db_url: str) -> Path | None:
    """The database file of a SQLite URL; None for other engines and for in-memory SQLite."""
    if not db_url.startswith("sqlite:///"):
        return None
    path = db_url.removeprefix("sqlite:///").split("?", 1)[0]
    return Path(path).resolve() if path and path != ":memory:" else None


@contextmanager
def single_runner(db_url: str) -> Iterator[None]:
    """Hold the database's run lock for the block; ConfigError (exit 2) when another run holds it."""
    path = sqlite_file(db_url)
    if path is None:
        yield
        return
    lock = FileLock(path.with_name(path.name + ".run-lock"), blocking=False, fallback_to_soft=False,
                    preserve_lock_file=True)
    try:
        lock.acquire()
    except Timeout:
        raise ConfigError("another `monitor run` is using this SQLite database; stop it first, or use "
                          "PostgreSQL (MONITOR_DB) to run several workers", file=str(path)) from None
    try:
        yield
    finally:
        lock.release()
