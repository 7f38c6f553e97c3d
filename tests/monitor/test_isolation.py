"""One bad item fails one feed, never the cycle: over real loopback HTTP, with the real linker wrapped
by test doubles (passed in through the pipeline's `linker` parameter) that raise on one item, return
what cannot be saved, or race a concurrent poll."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from matchers.embeddings import Encoder
from matchers.linker import Linker
from monitor.cli_output import print_feed_list
from monitor.config.feeds import Feed
from monitor.config.watchlist import load_watchlist
from monitor.demo import WATCHLIST, sample_pages
from monitor.domain.assessment import Assessment
from monitor.domain.item import FeedState, Item
from monitor.domain.watchlist import Watchlist
from monitor.loopback import Loopback, Reply
from monitor.pipeline import Pipeline
from monitor.store.database import Batch, Store
from notifiers.slack import SlackNotifier, make_client
from tests.servers.slack import FakeSlackServer

NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
MARKER = "ODD-TEXT"
ODD_ITEM = f"""
    <item>
      <title>{MARKER}: a text the linker chokes on</title>
      <link>{{{{BASE}}}}/articles/odd</link>
      <guid>demo-es-odd</guid>
      <description>Una nota con un texto raro.</description>
    </item>
  </channel>""".encode()


class Recording(Linker):
    """The real linker, remembering every item it was handed."""

    def __init__(self, watchlist: Watchlist, encoder: Encoder) -> None:
        super().__init__(watchlist, encoder=encoder)
        self.batches: list[list[str]] = []
        self.feeds: list[set[str]] = []  # the feeds of each batch's items

    def assess_many(self, items: Sequence[Item]) -> list[Assessment]:
        self.batches.append([i.guid for i in items])
        self.feeds.append({i.feed for i in items})
        return super().assess_many(items)

    def seen(self) -> list[str]:
        return [guid for batch in self.batches for guid in batch]


class RaisesOnMarker(Recording):
    """A linker bug on odd text: any batch holding the marked item raises."""

    def assess_many(self, items: Sequence[Item]) -> list[Assessment]:
        if any(MARKER in i.title for i in items):
            self.batches.append([i.guid for i in items])
            raise ValueError("cannot tokenise this text")
        return super().assess_many(items)


class BrokenLinker(Recording):
    """Fails on every item, as a linker whose model went away would, until `fixed`."""

    fixed = False

    def assess_many(self, items: Sequence[Item]) -> list[Assessment]:
        if not self.fixed:
            raise RuntimeError("CUDA error: out of memory")
        return super().assess_many(items)


class UnsavableOnMarker(Recording):
    """A linker that returns, for the marked item, an assessment the store cannot write (not JSON)."""

    def assess_many(self, items: Sequence[Item]) -> list[Assessment]:
        return [Assessment(notes=(object(),)) if MARKER in i.title else a  # type: ignore[arg-type]
                for i, a in zip(items, super().assess_many(items), strict=True)]


class RacesAConcurrentPoll(Recording):
    """While this cycle links, another process (a `monitor poll` started by hand) stores one item."""

    def __init__(self, watchlist: Watchlist, encoder: Encoder, db: str, guid: str) -> None:
        super().__init__(watchlist, encoder)
        self.db, self.guid = db, guid

    def assess_many(self, items: Sequence[Item]) -> list[Assessment]:
        assessments = super().assess_many(items)
        other = Store(self.db)
        for item, assessment in zip(items, assessments, strict=True):
            if item.guid.endswith(self.guid):
                other.save_item(item, assessment, fetched_at=NOW)
        other.close()
        return assessments


class DiskFullBatch(Batch):
    def save_item(self, item: Item, assessment: Assessment, **kwargs: Any) -> int:
        if MARKER in item.title:
            raise OperationalError("INSERT INTO items", {}, sqlite3.OperationalError("database or disk is full"))
        return super().save_item(item, assessment, **kwargs)


class DiskFullStore(Store):
    """The database fails (disk full) while the marked item is being saved."""

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        with super().batch() as batch:
            yield DiskFullBatch(batch._conn)


@pytest.fixture
def feed_server() -> Iterator[Loopback]:
    pages = sample_pages()
    spanish = pages["/prensa.xml"]
    assert callable(spanish)
    pages["/prensa-odd.xml"] = lambda base: spanish(base).replace(b"\n  </channel>", ODD_ITEM.replace(
        b"{{BASE}}", base.encode()))
    with Loopback() as server:
        server.serve_pages(pages)
        yield server


@pytest.fixture
def watchlist() -> Watchlist:
    return load_watchlist(WATCHLIST)


def feeds(server: Loopback) -> list[Feed]:
    return [Feed(name="un-news", url=f"{server.base}/un-news.xml", language="en"),
            Feed(name="prensa-odd", url=f"{server.base}/prensa-odd.xml", language="es"),
            Feed(name="wire", url=f"{server.base}/wire.atom", language="en")]


def pipeline(store: Store, watchlist: Watchlist, linker: Linker, slack: FakeSlackServer,
             now: dt.datetime = NOW) -> Pipeline:
    notifier = SlackNotifier(make_client(slack.token, slack.url, sleep=lambda _s: None), "C-ALERTS")
    return Pipeline(store=store, watchlist=watchlist, linker=lambda: linker, notifier=notifier, clock=lambda: now)


def posted(slack: FakeSlackServer) -> str:
    return "\n".join(m["text"] for m in slack.messages)


def test_an_item_the_linker_raises_on_fails_its_feed_only_and_once(
        db_url: str, feed_server: Loopback, watchlist: Watchlist, slack_server: FakeSlackServer,
        encoder: Encoder) -> None:
    store = Store(db_url)
    linker = RaisesOnMarker(watchlist, encoder)
    report = pipeline(store, watchlist, linker, slack_server).poll(feeds(feed_server))

    # The other feeds' items are stored and alerted; so are the bad feed's other items.
    [failed] = report.failed_feeds
    assert failed.feed == "prensa-odd" and "/demo-es-odd': " in failed.error
    assert "ValueError: cannot tokenise this text" in failed.error
    texts = posted(slack_server)
    assert texts.count("Tlatlaya victims were executed") == 1 and "Apatzing" in texts  # un-news, wire
    assert "Iguala" in texts  # prensa-odd's own allegation
    assert report.stored == 7 and report.alerts == len(slack_server.messages) == 3
    # Linked in batches of what had arrived (the odd item with its whole feed), then narrowed down:
    # its feed alone, then the item alone.
    assert len(set(linker.seen())) == 7 and sum(g.endswith("/demo-es-odd") for g in linker.seen()) == 3
    first = next(batch for batch in linker.batches if any(g.endswith("/demo-es-odd") for g in batch))
    assert sum("/demo-es-" in g for g in first) == 3

    states = store.feed_states()
    odd = states["prensa-odd"]
    assert odd.error_count == 1 and odd.last_error == failed.error and odd.etag is None  # validators not saved
    assert odd.next_poll is not None and odd.next_poll > NOW
    assert states["un-news"].error_count == 0 and states["un-news"].etag
    listing = io.StringIO()
    print_feed_list(feeds(feed_server), states, listing)
    assert "unreadable item" in listing.getvalue()  # what `monitor feeds list` shows

    [poison] = [s for s in store.items_fetched_between(NOW, NOW + dt.timedelta(seconds=1))
                if s.item.guid.endswith("/demo-es-odd")]
    recorded = store.assessments_between(NOW, NOW + dt.timedelta(seconds=1))[poison.id]
    assert not recorded.linked and not recorded.alert
    assert recorded.notes == ("unreadable: ValueError: cannot tokenise this text",)

    # The next cycle (once the backoff is over) does not fail on it again, and does not re-link it.
    linker.batches.clear()
    later = pipeline(store, watchlist, linker, slack_server, now=odd.next_poll).poll(feeds(feed_server), only_due=True)
    assert later.failed_feeds == () and later.stored == 0 and linker.batches == []
    assert store.feed_states()["prensa-odd"].error_count == 0
    assert len(slack_server.messages) == 3
    assert store.unseen([poison.item]) == []
    store.close()


def test_without_a_bad_item_each_item_is_linked_once_with_its_whole_feed(
        db_url: str, feed_server: Loopback, watchlist: Watchlist, slack_server: FakeSlackServer,
        encoder: Encoder) -> None:
    store = Store(db_url)
    linker = Recording(watchlist, encoder)
    report = pipeline(store, watchlist, linker, slack_server).poll(feeds(feed_server))
    assert report.failed_feeds == () and report.stored == 7 and report.alerts == 3
    assert sorted(linker.seen()) == sorted(set(linker.seen())) and len(linker.seen()) == 7  # each once
    for feed in ("un-news", "prensa-odd", "wire"):  # a feed's items are never split across batches
        assert sum(feed in feeds for feeds in linker.feeds) == 1
    store.close()


def test_a_linker_that_fails_on_every_item_records_none_as_unreadable(
        db_url: str, feed_server: Loopback, watchlist: Watchlist, slack_server: FakeSlackServer,
        encoder: Encoder) -> None:
    store = Store(db_url)
    linker = BrokenLinker(watchlist, encoder)
    report = pipeline(store, watchlist, linker, slack_server).poll(feeds(feed_server))
    assert {o.feed for o in report.failed_feeds} == {"un-news", "prensa-odd", "wire"} and report.stored == 0
    assert all("not linked, kept for the next poll: RuntimeError" in o.error for o in report.failed_feeds)
    assert all(s.error_count == 1 and s.etag is None for s in store.feed_states().values())
    linker.fixed = True  # nothing was lost: the next poll stores and alerts everything
    again = pipeline(store, watchlist, linker, slack_server).poll(feeds(feed_server))
    assert again.failed_feeds == () and again.stored == 7 and again.alerts == len(slack_server.messages) == 3
    store.close()


def test_an_item_that_cannot_be_saved_is_recorded_unreadable_and_its_feed_fails(
        db_url: str, feed_server: Loopback, watchlist: Watchlist, slack_server: FakeSlackServer,
        encoder: Encoder) -> None:
    store = Store(db_url)
    report = pipeline(store, watchlist, UnsavableOnMarker(watchlist, encoder), slack_server).poll(
        feeds(feed_server))
    [failed] = report.failed_feeds
    assert failed.feed == "prensa-odd" and "/demo-es-odd': " in failed.error
    assert report.stored == 7 and report.alerts == len(slack_server.messages) == 3
    [odd] = [s.id for s in store.items_fetched_between(NOW, NOW + dt.timedelta(seconds=1))
             if s.item.guid.endswith("/demo-es-odd")]
    notes = store.assessments_between(NOW, NOW + dt.timedelta(seconds=1))[odd].notes
    # SQLAlchemy wraps the JSON encoder's TypeError on SQLite (StatementError); psycopg raises it bare.
    assert len(notes) == 1 and notes[0].startswith("unreadable: ") and "is not JSON serializable" in notes[0]
    store.close()


def test_a_failing_database_undoes_its_batch_alone_blames_no_item_and_loses_none(
        db_url: str, feed_server: Loopback, watchlist: Watchlist, slack_server: FakeSlackServer,
        encoder: Encoder) -> None:
    db = db_url
    others_stored = threading.Event()

    class SavesOthersFirst(DiskFullStore):
        """prensa-odd answers only once the other two feeds are stored (their state is saved)."""

        def save_feed_states(self, states: Iterable[FeedState]) -> None:
            saved = list(states)
            super().save_feed_states(saved)
            if {"un-news", "wire"} <= _polled(self):
                others_stored.set()

    page = feed_server.routes["/prensa-odd.xml"]
    feed_server.route("/prensa-odd.xml", lambda request: page(request) if others_stored.wait(60) else Reply(503))
    full = SavesOthersFirst(db)
    linker = Recording(watchlist, encoder)
    with pytest.raises(OperationalError, match="disk is full"):
        pipeline(full, watchlist, linker, slack_server).poll(feeds(feed_server))
    full.close()
    store = Store(db)
    # The batch being saved rolled back whole: none of its items is half-kept as unreadable, and its
    # feed's validators are not saved (only the blank row its claim made). The feeds stored before it
    # stand, their alerts already posted.
    kept = store.items_fetched_between(NOW, NOW + dt.timedelta(seconds=1))
    assert {s.item.feed for s in kept} == _polled(store) == {"un-news", "wire"}
    assert store.feed_states()["prensa-odd"] == FeedState(name="prensa-odd")
    notes = [n for a in store.assessments_between(NOW, NOW + dt.timedelta(seconds=1)).values() for n in a.notes]
    assert not any(n.startswith("unreadable") for n in notes)
    assert len(slack_server.messages) == 2 and "Iguala" not in posted(slack_server)
    again = pipeline(store, watchlist, linker, slack_server).poll(feeds(feed_server))
    assert again.failed_feeds == () and len(kept) + again.stored == 7 and again.alerts == 1
    guids = [s.item.guid for s in store.items_fetched_between(NOW, NOW + dt.timedelta(seconds=1))]
    assert len(guids) == len(set(guids)) == 7
    alert_ids = [m["metadata"]["event_payload"]["alert_id"] for m in slack_server.messages]
    assert len(alert_ids) == len(set(alert_ids)) == 3 and "Iguala" in posted(slack_server)  # each once
    store.close()


def test_a_story_signature_in_an_older_format_does_not_stop_the_cycle(
        db_url: str, feed_server: Loopback, watchlist: Watchlist, slack_server: FakeSlackServer,
        encoder: Encoder, caplog: pytest.LogCaptureFixture) -> None:
    store = Store(db_url)
    earlier = Item(feed="old", guid="old-1", url="https://news.example.org/old", title="An older story")
    store.save_item(earlier, Assessment(), fetched_at=NOW - dt.timedelta(days=1), signature=b"mh0:" + bytes(64))
    report = pipeline(store, watchlist, Recording(watchlist, encoder), slack_server).poll(feeds(feed_server))
    assert report.failed_feeds == () and report.stored == 7 and report.alerts == 3
    assert "1 stored story signatures are in an older format" in caplog.text
    store.close()


def test_an_item_stored_meanwhile_by_a_concurrent_poll_does_not_stop_the_others(
        db_url: str, feed_server: Loopback, watchlist: Watchlist, slack_server: FakeSlackServer,
        encoder: Encoder) -> None:
    db = db_url
    store = Store(db)
    linker = RacesAConcurrentPoll(watchlist, encoder, db, guid="demo-es-2")  # prensa's ceremony item
    odd_free = [f for f in feeds(feed_server) if f.name != "prensa-odd"]
    prensa = Feed(name="prensa", url=f"{feed_server.base}/prensa.xml", language="es")
    report = pipeline(store, watchlist, linker, slack_server).poll([*odd_free, prensa])

    assert report.failed_feeds == ()  # nothing was lost: the other poll stored it
    assert report.stored == 5 and report.alerts == len(slack_server.messages) == 3
    texts = posted(slack_server)
    assert "Iguala" in texts and "Apatzing" in texts and texts.count("Tlatlaya victims were executed") == 1
    guids = [s.item.guid for s in store.items_fetched_between(NOW, NOW + dt.timedelta(seconds=1))]
    assert len(guids) == len(set(guids)) == 6  # each once: five by this poll, one by the other
    assert store.feed_states()["prensa"].etag  # its items are all stored: its validators are saved
    store.close()


def _polled(store: Store) -> set[str]:
    """The feeds whose state a poll saved (a claim alone leaves a blank row)."""
    return {name for name, state in store.feed_states().items() if state.last_attempt is not None}
