from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.domain.item import FeedState
from monitor.store.database import Store
from monitor.store.health import read_feed_states

WHEN = dt.datetime(2026, 11, 23, 12, 30, tzinfo=dt.UTC)


def test_reads_what_the_store_wrote(db_url: str) -> None:
    """With the standard library's sqlite3 on SQLite, through the Store on PostgreSQL."""
    url = db_url
    store = Store(url)
    state = FeedState(name="a", etag='"x"', last_success=WHEN, last_attempt=WHEN, last_error="http_404: gone",
                      error_count=2, next_poll=WHEN + dt.timedelta(hours=1), items_seen=7)
    store.save_feed_states([state])
    store.close()
    assert read_feed_states(url) == {"a": state}


@pytest.mark.sqlite_only(reason="a SQLite file that does not exist")
def test_missing_database_is_not_created(tmp_path: Path) -> None:
    assert read_feed_states(f"sqlite:///{tmp_path / 'none.db'}") == {}
    assert not (tmp_path / "none.db").exists()


@pytest.mark.sqlite_only(reason="the sqlite3 fast path; PostgreSQL is read through the Store")
def test_feeds_list_reads_the_health_without_importing_sqlalchemy_or_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    store = Store(url)
    store.save_feed_states([FeedState(name="a", last_error="http_404: gone", error_count=3)])
    store.close()
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - {name: a, url: 'https://example.org/a.xml'}\n", encoding="utf-8")
    code = ("import sys; from monitor.cli import main\n"
            "try: main(['feeds', 'list', '--feeds', sys.argv[1], '--db', sys.argv[2]])\n"
            "except SystemExit: pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')))")
    result = subprocess.run([sys.executable, "-c", code, str(feeds), url], capture_output=True, text=True,
                            timeout=60, cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert lines[1].split()[:1] == ["a"] and "http_404: gone" in lines[1], result.stdout + result.stderr
    assert lines[-1] == "[]", result.stdout + result.stderr


@pytest.mark.sqlite_only(reason="the release-1 fixture is a SQLite file")
def test_feeds_list_reads_a_first_release_database_as_it_is(tmp_path: Path) -> None:
    """`feeds list` never migrates (it opens the file read-only): a database from before Alembic is read as is."""
    import shutil
    import sqlite3

    from monitor.store.health import read_feed_states

    path = tmp_path / "m.db"
    shutil.copy(Path(__file__).resolve().parents[2] / "fixtures" / "release-1.monitor.db", path)
    states = read_feed_states(f"sqlite:///{path}")
    assert set(states) == {"un-news-demo", "prensa-demo", "wire-demo", "reliefweb-demo", "defensa-demo"}
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'alembic_version'").fetchone() == (0,)
