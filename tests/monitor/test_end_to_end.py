"""The whole pipeline over real loopback HTTP, with slack_sdk against a loopback Slack Web API server
and the digest through a real SMTP server. The sample feeds are the demo's (monitor/demo_data/),
written around the seed cases; the expectations are stated here, beside the fixtures' use.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

from matchers.embeddings import Encoder
from matchers.linker import Linker
from monitor.app import App
from monitor.config.feeds import load_feeds
from monitor.config.settings import Settings
from monitor.demo import FEEDS, WATCHLIST, sample_pages
from monitor.digests import build_digest, send_digest_once
from monitor.loopback import Loopback
from monitor.pipeline import Pipeline
from notifiers.email import SmtpSettings
from notifiers.slack import SlackNotifier, make_client
from tests.servers.slack import FakeSlackServer
from tests.servers.smtp import FakeSmtpServer

NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def feed_server() -> Iterator[Loopback]:
    with Loopback() as server:
        server.serve_pages(sample_pages())
        yield server


@pytest.fixture
def app(tmp_path: Path, db_url: str, feed_server: Loopback) -> Iterator[App]:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(FEEDS.format(base=feed_server.base), encoding="utf-8")
    settings = Settings(db=db_url, feeds_path=feeds, watchlist_path=WATCHLIST)
    application = App.open(settings)
    yield application
    application.store.close()


def pipeline(app: App, slack: FakeSlackServer, encoder: Encoder) -> Pipeline:
    notifier = SlackNotifier(make_client(slack.token, slack.url, sleep=lambda _s: None), "C-ALERTS")
    linker = functools.cache(lambda: Linker(app.watchlist, encoder=encoder))
    return Pipeline(store=app.store, watchlist=app.watchlist, linker=linker, notifier=notifier, clock=lambda: NOW)


def headlines(slack: FakeSlackServer) -> list[str]:
    return [m["text"] for m in slack.messages]


def test_first_cycle_alerts_once_per_story_and_threads_by_case(
        app: App, slack_server: FakeSlackServer, encoder: Encoder) -> None:
    feeds = load_feeds(app.settings.feeds_path)
    report = pipeline(app, slack_server, encoder).poll(feeds)

    assert report.failed_feeds == ()
    posts = slack_server.messages
    texts = "\n".join(headlines(slack_server))
    # Tlatlaya (UN + its syndicated wire copy: one alert), Iguala (place-based: 27th Battalion),
    # Apatzingán (Federal Police), and the ReliefWeb report whose PDF carries Tlatlaya on page 2.
    assert texts.count("Tlatlaya victims were executed") == 1, texts
    assert "Iguala" in texts and "Apatzing" in texts
    assert "flood" not in texts.lower() and "capacitación" not in texts  # relief work, a ceremony: no alert
    report_post = next(m for m in posts if "rapporteur" in m["text"].lower())
    assert "p. 2" in str(report_post["blocks"])
    # Same case: one thread. Each feed alerts as it answers, so its root is whichever came first.
    tlatlaya = next(m for m in posts if "Tlatlaya victims were executed" in m["text"])
    root, reply = sorted([tlatlaya, report_post], key=lambda m: float(m["ts"]))
    assert root.get("thread_ts") is None and reply.get("thread_ts") == root["ts"]
    assert len(posts) == report.alerts == 4
    # Every post carries its alert id in metadata, which is how a restart finds it.
    assert all(m["metadata"]["event_payload"]["alert_id"] for m in posts)


def test_second_cycle_is_all_304_and_stores_nothing(
        app: App, slack_server: FakeSlackServer, feed_server: Loopback, encoder: Encoder) -> None:
    feeds = load_feeds(app.settings.feeds_path)
    cycle = pipeline(app, slack_server, encoder)
    cycle.poll(feeds)
    posts, requests_before = len(slack_server.messages), len(feed_server.requests)
    again = cycle.poll(feeds)
    assert again.stored == 0 and again.alerts == 0
    assert all(o.not_modified for o in again.feeds)
    assert feed_server.statuses[requests_before:] == [304] * len(feeds)
    assert len(slack_server.messages) == posts


def test_a_failing_feed_does_not_stop_the_others(
        app: App, slack_server: FakeSlackServer, feed_server: Loopback, encoder: Encoder) -> None:
    good = load_feeds(app.settings.feeds_path)
    broken = good[0].model_copy(update={"name": "gone", "url": feed_server.url("/missing.xml")})
    refused = good[0].model_copy(update={"name": "refused", "url": "http://127.0.0.1:9/feed.xml"})
    report = pipeline(app, slack_server, encoder).poll([broken, refused, *good])
    assert {o.feed for o in report.failed_feeds} == {"gone", "refused"}
    assert report.stored > 0 and slack_server.messages
    state = app.store.feed_states()["gone"]
    assert state.error_count == 1 and "404" in state.last_error and state.next_poll is not None


def test_rate_limited_twice_then_one_post(app: App, slack_server: FakeSlackServer, encoder: Encoder) -> None:
    feeds = [f for f in load_feeds(app.settings.feeds_path) if f.name == "wire-demo"]
    slack_server.fail_next(2, status=429, retry_after=0, method="chat.postMessage")
    report = pipeline(app, slack_server, encoder).poll(feeds)
    assert report.delivery.sent == len(slack_server.messages) == report.alerts >= 1
    assert len(slack_server.calls("chat.postMessage")) == report.alerts + 2


def test_bad_channel_keeps_alerts_queued_then_delivers(
        app: App, slack_server: FakeSlackServer, encoder: Encoder) -> None:
    feeds = [f for f in load_feeds(app.settings.feeds_path) if f.name == "wire-demo"]
    slack_server.error_next("channel_not_found", method="chat.postMessage")
    first = pipeline(app, slack_server, encoder).poll(feeds)
    assert "channel" in first.delivery.fatal and slack_server.messages == []
    assert len(app.store.pending_alerts()) == first.alerts >= 1
    second = pipeline(app, slack_server, encoder).poll(feeds)
    assert second.delivery.sent == first.alerts == len(slack_server.messages)


def test_digest_groups_links_and_goes_out_once(
        app: App, slack_server: FakeSlackServer, smtp_server: FakeSmtpServer, encoder: Encoder) -> None:
    pipeline(app, slack_server, encoder).poll(load_feeds(app.settings.feeds_path))
    digest = build_digest(app.store, app.watchlist, NOW.date(), app.settings.zone, app.store.feed_states().values())
    titles = [g.title for g in digest.groups]
    assert "Case: Tlatlaya killings" in titles and "Case: Ayotzinapa disappearance" in titles
    # The communiqué denying the army's role bears on the talking point and is in the digest.
    assert any("Army was not involved" in g.title for g in digest.statements)
    tlatlaya = next(g for g in digest.groups if g.title == "Case: Tlatlaya killings")
    assert any(e.also_reported_by for e in tlatlaya.entries)  # the wire copy, folded into its story
    smtp = SmtpSettings(host=smtp_server.host, port=smtp_server.port, user=None, password=None, starttls=False,
                        sender="monitor@example.org", recipients=("vetting@example.org",))
    assert send_digest_once(app.store, digest, smtp, lambda: NOW) is True
    assert send_digest_once(app.store, digest, smtp, lambda: NOW) is False
    [message] = smtp_server.messages
    assert "Tlatlaya" in message.get_body(("plain",)).get_content()
