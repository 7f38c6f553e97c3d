from __future__ import annotations

import datetime as dt
from pathlib import Path

from monitor.domain.item import FeedState
from monitor.store.database import Store
from monitor.store.health import read_feed_states

WHEN = dt.datetime(2026, 11, 23, 12, 30, tzinfo=dt.UTC)


def test_reads_what_the_store_wrote_without_sqlalchemy(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    store = Store(url)
    state = FeedState(name="a", etag='"x"', last_success=WHEN, last_attempt=WHEN, last_error="http_404: gone",
                      error_count=2, next_poll=WHEN + dt.timedelta(hours=1), items_seen=7)
    store.save_feed_states([state])
    store.close()
    assert read_feed_states(url) == {"a": state}


def test_missing_database_is_not_created(tmp_path: Path) -> None:
    assert read_feed_states(f"sqlite:///{tmp_path / 'none.db'}") == {}
    assert not (tmp_path / "none.db").exists()
