"""Relink: a unit added to the watchlist after its items were stored is reported once, from the archive.

The demo's sample feeds over loopback HTTP, the real linker, slack_sdk against the loopback Slack
Web API. The Iguala item ("soldiers based in Iguala") implicates the 27th Infantry Battalion through
the unit's `areas`; the first watchlist lacks that unit.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from matchers.embeddings import Encoder
from matchers.linker import Linker
from monitor.config.feeds import load_feeds
from monitor.config.watchlist import load_watchlist
from monitor.demo import FEEDS, WATCHLIST, sample_pages
from monitor.domain.assessment import Assessment
from monitor.domain.item import Item
from monitor.domain.messages import ArchiveEntry
from monitor.domain.watchlist import Watchlist
from monitor.loopback import Loopback
from monitor.outbox import deliver_pending
from monitor.pipeline import Pipeline
from monitor.review.archive import notice_from_payload, notice_payload
from monitor.review.relink import relink
from monitor.store.database import NewArchiveMessage, Store
from notifiers.slack import SlackNotifier, make_client
from tests.servers.slack import FakeSlackServer

NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
UNIT_27 = re.compile(r"  - id: sedena-27-bi\n(    .*\n)+")


@pytest.fixture
def feeds(tmp_path: Path) -> Iterator[Path]:
    with Loopback() as server:
        server.serve_pages(sample_pages())
        path = tmp_path / "feeds.yaml"
        path.write_text(FEEDS.format(base=server.base), encoding="utf-8")
        yield path


def without_unit_27(tmp_path: Path) -> Path:
    text = WATCHLIST.read_text(encoding="utf-8")
    assert UNIT_27.search(text), "the shared watchlist no longer has the 27th Battalion block this test removes"
    path = tmp_path / "watchlist.yaml"
    path.write_text(UNIT_27.sub("", text), encoding="utf-8")
    return path


def notifier(slack: FakeSlackServer) -> SlackNotifier:
    return SlackNotifier(make_client(slack.token, slack.url, sleep=lambda _s: None), "C-ALERTS")


def linker(watchlist: Watchlist, encoder: Encoder) -> functools.partial[Linker]:
    return functools.partial(Linker, watchlist, encoder=encoder)


def test_a_unit_added_later_is_reported_once_from_the_archive(
        tmp_path: Path, db_url: str, feeds: Path, slack_server: FakeSlackServer, encoder: Encoder) -> None:
    store = Store(db_url)
    before = load_watchlist(without_unit_27(tmp_path))
    assert "sedena-27-bi" not in before.unit_by_id
    Pipeline(store=store, watchlist=before, linker=linker(before, encoder), notifier=notifier(slack_server),
             clock=lambda: NOW).poll(load_feeds(feeds))
    alerts = [m["text"] for m in slack_server.messages]
    assert alerts and not any("Iguala" in text or "27th" in text for text in alerts), alerts

    after = load_watchlist(WATCHLIST)  # the unit is added
    first = relink(store, after, linker(after, encoder), now=NOW)
    delivered = deliver_pending(store, notifier(slack_server), lambda: NOW)
    archive = [m for m in slack_server.messages if m.get("metadata", {}).get("event_type") == "monitor_archive"]
    assert len(archive) == 1 and delivered.sent == 1 and len(first.messages) == 1
    [message] = archive
    assert "27th Infantry Battalion" in message["text"]
    shown = str(message["blocks"])
    assert "Iguala" in shown and "US-supported" in shown
    assert first.reported >= 1 and first.items == len(store.stored_items(limit=1000))

    again = relink(store, after, linker(after, encoder), now=NOW)
    deliver_pending(store, notifier(slack_server), lambda: NOW)
    assert again.messages == () and again.reported == 0
    assert [m for m in slack_server.messages if m.get("metadata", {}).get("event_type") == "monitor_archive"] \
        == archive
    assert store.archive_counts() == {"sent": 1}

    # The unit taken out and put back: its items implicate it "anew", but they were reported already.
    relink(store, before, linker(before, encoder), now=NOW)
    back = relink(store, after, linker(after, encoder), now=NOW)
    assert back.changed >= 1 and back.messages == () and back.reported == 0
    assert store.archive_counts() == {"sent": 1}


def test_an_archive_message_posted_before_a_crash_is_found_not_posted_again(
        db_url: str, slack_server: FakeSlackServer) -> None:
    store = Store(db_url)
    watchlist = load_watchlist(WATCHLIST)
    item_id = store.save_item(Item(feed="f", guid="g", url="https://example.org/x", title="x", summary="s"),
                              Assessment(), fetched_at=NOW)
    entry = ArchiveEntry(item_id, "Soldiers based in Iguala", "https://example.org/x", "Example", NOW)
    [row_id] = store.save_relinked([], [NewArchiveMessage(
        "sedena-27-bi", notice_payload(watchlist, "sedena-27-bi", [entry]), (item_id,))], NOW)
    # The process claimed the row, posted, and died before marking it sent.
    store.mark_attempt("archive_messages", row_id, NOW)
    notifier(slack_server).send_archive(notice_from_payload(row_id, store.pending("archive_messages")[0].payload))
    report = deliver_pending(store, notifier(slack_server), lambda: NOW)
    assert (report.sent, report.recovered) == (0, 1) and len(slack_server.messages) == 1
    assert store.archive_counts() == {"sent": 1}
