"""Alerts that don't wait: one feed answers at once with an allegation, another takes 10 s; the
alert reaches Slack (the real slack_sdk client against the loopback Web API) before the slow feed
answers, within 2 s of the fast feed's response. Real loopback HTTP, the real linker and store.

The poller is a running one: its linker has the watchlist's texts embedded and has linked a cycle
before (a cold process spends seconds on those first, and that is start-up, not the wait this test
is about)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from matchers.embeddings import Encoder
from matchers.linker import Linker
from monitor.config.feeds import Feed, load_feeds
from monitor.config.watchlist import load_watchlist
from monitor.demo import FEEDS, WATCHLIST, sample_pages
from monitor.loopback import Loopback, Reply, Request
from monitor.pipeline import CycleReport, Pipeline
from monitor.store.database import Store
from notifiers.slack import SlackNotifier, make_client
from tests.servers.slack import FakeSlackServer

NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
SLOW = 10.0  # seconds the slow feed takes to answer
WITHIN = 2.0  # seconds from the fast feed's response to its alert on Slack


@dataclass
class Answered:
    """When each feed's response left the server (time.monotonic)."""

    at: dict[str, float] = field(default_factory=dict)
    slow: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def feeds() -> Iterator[tuple[Loopback, Answered]]:
    pages = sample_pages()
    answered = Answered()
    with Loopback() as server:
        server.serve_pages(pages)

        def fast(_request: Request) -> Reply:  # the UN feed: the Tlatlaya allegation
            body = pages["/un-news.xml"]
            assert callable(body)
            answered.at["fast"] = time.monotonic()
            return Reply(200, {"Content-Type": "application/rss+xml"}, body(server.base))

        def slow(_request: Request) -> Reply:  # the Spanish press: Iguala, but only after SLOW seconds
            body = pages["/prensa.xml"]
            assert callable(body)
            server.release.wait(SLOW)  # the test releases it early once it has seen the alert
            answered.at["slow"] = time.monotonic()
            answered.slow.set()
            return Reply(200, {"Content-Type": "application/rss+xml"}, body(server.base))

        server.route("/fast.xml", fast)
        server.route("/slow.xml", slow)
        yield server, answered


def test_an_alert_is_posted_while_a_slow_feed_is_still_answering(
        tmp_path: Path, feeds: tuple[Loopback, Answered], slack_server: FakeSlackServer, encoder: Encoder) -> None:
    server, answered = feeds
    watchlist = load_watchlist(WATCHLIST)
    store = Store(f"sqlite:///{tmp_path / 'm.db'}")
    notifier = SlackNotifier(make_client(slack_server.token, slack_server.url, sleep=lambda _s: None), "C-ALERTS")
    linker = Linker(watchlist, encoder=encoder)
    linker.warm_up()
    pipeline = Pipeline(store=store, watchlist=watchlist, linker=lambda: linker, notifier=notifier,
                        clock=lambda: NOW)
    demo_feeds = tmp_path / "feeds.yaml"
    demo_feeds.write_text(FEEDS.format(base=server.base), encoding="utf-8")
    earlier = pipeline.poll([f for f in load_feeds(demo_feeds) if f.name == "defensa-demo"])  # communiqués
    assert earlier.stored > 0 and earlier.failed_feeds == ()
    posts_before = len(slack_server.messages)
    cycle = [Feed(name="slow-press", url=server.url("/slow.xml"), language="es"),
             Feed(name="fast-un", url=server.url("/fast.xml"), language="en")]
    reports: list[CycleReport] = []
    poll = threading.Thread(target=lambda: reports.append(pipeline.poll(cycle)))
    poll.start()
    try:
        assert slack_server.wait_for_calls("chat.postMessage", posts_before + 1, timeout=SLOW), \
            "no alert before the slow feed"
        posted_at = time.monotonic()
        slow_answered = answered.slow.is_set()
    finally:
        server.release.set()  # the slow feed answers now: the test need not wait out its 10 s
        poll.join(timeout=60)

    delay = posted_at - answered.at["fast"]
    print(f"alert on Slack {delay:.2f} s after the fast feed's response")  # the figure, with pytest -s
    assert not slow_answered, "the alert waited for the slow feed"
    assert delay <= WITHIN, f"the alert took {delay:.2f} s after its feed's response"
    posted = [m["text"] for m in slack_server.messages[posts_before:]]
    assert "Tlatlaya" in posted[0]

    # The slow feed's items and alert follow once it answers; the cycle's report counts both feeds.
    [report] = reports
    assert report.failed_feeds == () and [o.feed for o in report.feeds] == ["slow-press", "fast-un"]
    assert report.stored == 4 and report.alerts == report.delivery.sent == len(posted) == 2
    assert "Iguala" in posted[1]
    assert all(state.last_success == NOW and state.error_count == 0 for state in store.feed_states().values())
    store.close()
