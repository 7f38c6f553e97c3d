"""`monitor run` relinks on the tick after watchlist.yaml changed, and keeps going when the new file is bad."""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import re
from pathlib import Path

import pytest

from matchers.embeddings import Encoder
from matchers.linker import Linker
from monitor.daemon import poll_tick, watch_tick
from monitor.demo import WATCHLIST
from monitor.domain.assessment import Assessment
from monitor.domain.item import Item
from monitor.domain.watchlist import Watchlist
from monitor.pipeline import Pipeline
from monitor.review.relink import WATCHLIST_KEY, fingerprint
from monitor.review.watch import WatchlistWatch
from monitor.store.database import Store
from notifiers.console import ConsoleNotifier

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
UNIT_27 = re.compile(r"  - id: sedena-27-bi\n(    .*\n)+")
# In the demo's words (prensa.xml): the 27th Battalion's base is Iguala, which only its `areas` say.
IGUALA = Item(feed="prensa", guid="iguala-1", url="https://example.org/iguala",
              title="Militares con sede en Iguala detuvieron y golpearon a dos normalistas, denuncian testigos",
              summary="Testigos dijeron que soldados con sede en Iguala detuvieron a dos estudiantes de Ayotzinapa, "
                      "los golpearon y los torturaron en el cuartel.", language="es")


def test_a_changed_watchlist_is_relinked_on_the_next_tick(
        tmp_path: Path, db_url: str, encoder: Encoder, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "watchlist.yaml"
    path.write_text(UNIT_27.sub("", WATCHLIST.read_text(encoding="utf-8")), encoding="utf-8")
    store = Store(db_url)
    store.save_item(IGUALA, Assessment(), fetched_at=NOW)  # linked when the unit was not watched

    def linker_for(watchlist: Watchlist) -> functools.partial[Linker]:
        return functools.partial(Linker, watchlist, encoder=encoder)

    watch = WatchlistWatch(store, path, linker_for, lambda: NOW)
    assert watch_tick(watch) is None and store.meta(WATCHLIST_KEY) == fingerprint(path)  # the first run records it
    assert watch_tick(watch) is None  # unchanged: nothing to do

    path.write_text("units: [\n", encoding="utf-8")  # a broken edit
    with caplog.at_level(logging.ERROR, logger="monitor.review.watch"):
        assert watch_tick(watch) is None and watch_tick(watch) is None
    [record] = caplog.records  # said once, with the file and line
    assert re.search(r"watchlist\.yaml:\d+", record.getMessage()), record.getMessage()
    assert store.pending("archive_messages") == []

    path.write_text(WATCHLIST.read_text(encoding="utf-8"), encoding="utf-8")  # fixed, with the unit added
    changed = watch_tick(watch)
    assert changed is not None and "sedena-27-bi" in changed[0].unit_by_id
    assert watch.last is not None and watch.last.reported == 1 and len(watch.last.messages) == 1
    assert store.meta(WATCHLIST_KEY) == fingerprint(path)

    console = io.StringIO()  # the tick's poll sends the archive message with the alerts
    poll_tick(Pipeline(store=store, watchlist=changed[0], linker=changed[1], notifier=ConsoleNotifier(console),
                       clock=lambda: NOW), [])
    assert "FROM THE ARCHIVE: 27th Infantry Battalion" in console.getvalue()
    assert "Militares con sede en Iguala" in console.getvalue()
    assert watch_tick(watch) is None and store.archive_counts() == {"sent": 1}


def test_a_second_worker_takes_the_new_watchlist_without_relinking_again(tmp_path: Path, encoder: Encoder) -> None:
    path = tmp_path / "watchlist.yaml"
    path.write_text(UNIT_27.sub("", WATCHLIST.read_text(encoding="utf-8")), encoding="utf-8")
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    store.save_item(IGUALA, Assessment(), fetched_at=NOW)

    def linker_for(watchlist: Watchlist) -> functools.partial[Linker]:
        return functools.partial(Linker, watchlist, encoder=encoder)

    first, second = (WatchlistWatch(store, path, linker_for, lambda: NOW) for _ in range(2))
    assert watch_tick(first) is None and watch_tick(second) is None
    path.write_text(WATCHLIST.read_text(encoding="utf-8"), encoding="utf-8")  # the unit added, on every machine
    relinked = watch_tick(first)
    assert relinked is not None and first.last is not None and len(first.last.messages) == 1
    taken = watch_tick(second)  # the store's fingerprint is the file's already: no second relink...
    assert taken is not None and "sedena-27-bi" in taken[0].unit_by_id  # ... but the new watchlist in use
    assert second.last is None and store.archive_counts() == {"pending": 1}
    assert watch_tick(second) is None
