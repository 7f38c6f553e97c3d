"""The outbox on its own: claim, send, recover after a crash, against a fake notifier on in-memory
SQLite. (tests/monitor/test_crash.py does the same through a real SIGKILL and the real Slack client.)"""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.alerts import to_payload
from monitor.domain.assessment import Assessment
from monitor.domain.errors import DeliveryError, FatalDeliveryError
from monitor.domain.item import Item
from monitor.domain.messages import Alert
from monitor.outbox import LOOKBACK, DeliveryReport, deliver_pending
from monitor.store.database import Store
from notifiers.base import Notifier

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


class Crash(BaseException):
    """The process dying: nothing after it runs, not even `except Exception`."""


class FakeNotifier:
    """A channel that records what is posted, and can fail, refuse for good, or 'die' after a post.

    Like Slack, `find_posted` sees a reply only when asked with its thread's ts.
    """

    def __init__(self) -> None:
        self.posted: list[tuple[str, Alert]] = []
        self.faults: list[BaseException] = []  # raised by the next sends, in order, before posting
        self.crash_after_post = False  # the next send posts, then the process dies before the answer
        self.lookups: list[tuple[int, float | None, str | None]] = []

    def send(self, alert: Alert) -> str:
        if self.faults:
            raise self.faults.pop(0)
        ts = f"{1000 + len(self.posted)}.000100"
        self.posted.append((ts, alert))
        if self.crash_after_post:
            self.crash_after_post = False
            raise Crash
        return ts

    def find_posted(self, alert_id: int, oldest: float | None = None, *, thread_ts: str | None = None) -> str | None:
        self.lookups.append((alert_id, oldest, thread_ts))
        return next((ts for ts, a in self.posted if a.id == alert_id and a.thread_ts == thread_ts), None)

    def ids(self) -> list[int]:
        return [a.id for _, a in self.posted]


@pytest.fixture
def notifier() -> FakeNotifier:
    return FakeNotifier()


def queue(store: Store, guid: str, *, thread_of: int | None = None) -> int:
    """Store an item with its decision and outbox row, as the pipeline does; the alert's id."""
    alert = Alert(id=0, headline=f"allegation {guid}", url=f"https://news.example.org/{guid}", source="UN News",
                  published=NOW, cases=("Tlatlaya killings",), implicated=(), at_risk=(), allegation_types=("killing",),
                  passage="soldiers executed them")
    item = Item(feed="f", guid=guid, url=alert.url, title=alert.headline)
    item_id = store.save_item(item, Assessment(alert=True), fetched_at=NOW, alert=to_payload(alert),
                              thread_key="case:tlatlaya", thread_of=thread_of)
    return next(row.id for row in store.pending_alerts() if row.item_id == item_id)


def deliver(store: Store, notifier: Notifier) -> DeliveryReport:
    return deliver_pending(store, notifier, lambda: NOW)


def test_each_alert_is_sent_once(store: Store, notifier: FakeNotifier) -> None:
    first, second = queue(store, "a"), queue(store, "b")
    report = deliver(store, notifier)
    assert (report.sent, report.recovered, report.failed, report.fatal) == (2, 0, 0, "")
    assert notifier.ids() == [first, second]
    assert notifier.posted[0][1].headline == "allegation a"  # the payload made it back into an Alert
    again = deliver(store, notifier)
    assert again.sent == 0 and notifier.ids() == [first, second]
    assert store.pending_alerts() == [] and store.alert_counts() == {"sent": 2}
    assert notifier.lookups == []  # nothing was ever in doubt


def test_a_post_interrupted_by_a_crash_is_recovered_not_sent_again(store: Store, notifier: FakeNotifier) -> None:
    first, second = queue(store, "a"), queue(store, "b")
    notifier.crash_after_post = True
    with pytest.raises(Crash):
        deliver(store, notifier)
    [in_doubt, untouched] = store.pending_alerts()
    assert (in_doubt.id, in_doubt.attempts, untouched.attempts) == (first, 1, 0)  # claimed before the post
    report = deliver(store, notifier)
    assert (report.sent, report.recovered) == (1, 1)
    assert notifier.ids() == [first, second]  # each once
    assert notifier.lookups == [(first, (NOW - LOOKBACK).timestamp(), None)]  # asked, for the one in doubt only
    assert store.pending_alerts() == []


def test_a_crash_before_the_post_landed_sends_it_after_asking(store: Store, notifier: FakeNotifier) -> None:
    only = queue(store, "a")
    notifier.faults.append(Crash())
    with pytest.raises(Crash):
        deliver(store, notifier)
    report = deliver(store, notifier)
    assert (report.sent, report.recovered) == (1, 0)
    assert notifier.ids() == [only] and [lookup[0] for lookup in notifier.lookups] == [only]


def test_a_transient_error_keeps_that_alert_queued_and_sends_the_rest(store: Store, notifier: FakeNotifier) -> None:
    first, second = queue(store, "a"), queue(store, "b")
    notifier.faults.append(DeliveryError("slack: 503 after retries"))
    report = deliver(store, notifier)
    assert (report.sent, report.failed, report.fatal) == (1, 1, "")
    assert notifier.ids() == [second]
    [kept] = store.pending_alerts()
    assert kept.id == first and kept.attempts == 1
    later = deliver(store, notifier)
    assert later.sent == 1 and notifier.ids() == [second, first]


def test_a_fatal_error_stops_delivery_and_keeps_every_alert_queued(store: Store, notifier: FakeNotifier) -> None:
    queued = [queue(store, guid) for guid in "abc"]
    notifier.faults.append(FatalDeliveryError("slack: channel_not_found"))
    report = deliver(store, notifier)
    assert report.fatal == "slack: channel_not_found" and report.sent == 0 and report.failed == 1
    assert notifier.ids() == []
    assert [row.id for row in store.pending_alerts()] == queued
    fixed = deliver(store, notifier)  # e.g. the bot was invited to the channel
    assert fixed.sent == 3 and notifier.ids() == queued


def test_a_reply_goes_under_its_root_sent_in_the_same_run(store: Store, notifier: FakeNotifier) -> None:
    root = queue(store, "a")
    reply = queue(store, "b", thread_of=root)
    deliver(store, notifier)
    (root_ts, root_alert), (_, reply_alert) = notifier.posted
    assert (root_alert.id, root_alert.thread_ts) == (root, None)
    assert (reply_alert.id, reply_alert.thread_ts) == (reply, root_ts)


def test_a_reply_goes_under_its_root_sent_in_an_earlier_run(store: Store, notifier: FakeNotifier) -> None:
    root = queue(store, "a")
    deliver(store, notifier)
    [(root_ts, _)] = notifier.posted
    reply = queue(store, "b", thread_of=root)
    deliver(store, notifier)
    assert notifier.posted[1][1].id == reply and notifier.posted[1][1].thread_ts == root_ts


def test_a_reply_in_doubt_is_looked_for_in_its_thread(store: Store, notifier: FakeNotifier) -> None:
    root = queue(store, "a")
    deliver(store, notifier)
    [(root_ts, _)] = notifier.posted
    reply = queue(store, "b", thread_of=root)
    notifier.crash_after_post = True
    with pytest.raises(Crash):
        deliver(store, notifier)
    report = deliver(store, notifier)
    assert report.recovered == 1 and notifier.ids() == [root, reply]
    assert notifier.lookups[-1][0::2] == (reply, root_ts)
