"""Claims under a lease, on the test's engine (SQLite: BEGIN IMMEDIATE; PostgreSQL: FOR UPDATE SKIP LOCKED):
two workers, each with a Store of its own on one database, racing from two threads as two processes would."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from sqlalchemy import select

from monitor.alerts import to_payload
from monitor.domain.assessment import Assessment
from monitor.domain.item import FeedState, Item
from monitor.domain.messages import Alert
from monitor.outbox import deliver_pending
from monitor.share import renewing
from monitor.store import schema
from monitor.store.database import Store
from monitor.store.worker import Worker

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=5)
T = TypeVar("T")


@pytest.fixture
def stores(db_url: str) -> Iterator[Callable[[str, int], Store]]:
    """`stores(name, batch)`: a Store on the test's database for the worker `name`."""
    opened: list[Store] = []

    def open_store(name: str, batch: int = 500) -> Store:
        opened.append(Store(db_url, Worker(f"{name}:1:abcdef", LEASE, batch)))
        return opened[-1]

    yield open_store
    for store in opened:
        store.close()


def together(*calls: Callable[[], T]) -> list[T]:
    """Run the calls on threads released at the same moment; their results in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def names(n: int) -> list[str]:
    return [f"feed-{i:03d}" for i in range(n)]


def polled(state: FeedState, now: dt.datetime = NOW) -> FeedState:
    return FeedState(name=state.name, etag='"e"', last_success=now, last_attempt=now,
                     next_poll=now + dt.timedelta(hours=1))


def test_two_workers_claiming_at_once_share_the_due_feeds_each_once(stores: Callable[[str, int], Store]) -> None:
    a, b = stores("a", 25), stores("b", 25)
    feeds = names(200)

    def work(store: Store) -> list[str]:
        mine: list[str] = []
        while claimed := store.claim_feeds(feeds, NOW, only_due=True):  # batch after batch, as `poll --due` does
            mine += claimed
            store.save_feed_states(polled(s) for s in claimed.values())
        return mine

    got_a, got_b = together(lambda: work(a), lambda: work(b))
    assert sorted(got_a + got_b) == feeds  # every feed, and none twice
    assert a.claim_feeds(feeds, NOW, only_due=True) == {}  # none left due; their saves ended the leases
    assert all(s.etag == '"e"' for s in a.feed_states().values())


def test_two_claims_at_once_take_disjoint_batches(stores: Callable[[str, int], Store]) -> None:
    a, b = stores("a", 100), stores("b", 100)
    a.claim_feeds(names(200), NOW, only_due=False)  # the rows exist: the race is on locking them
    a.release_feeds()
    got_a, got_b = together(lambda: a.claim_feeds(names(200), NOW, only_due=True),
                            lambda: b.claim_feeds(names(200), NOW, only_due=True))
    assert len(got_a) == len(got_b) == 100 and sorted([*got_a, *got_b]) == names(200)


def test_a_feed_another_worker_holds_is_left_to_it_until_its_lease_runs_out(
        stores: Callable[[str, int], Store], caplog: pytest.LogCaptureFixture) -> None:
    dead, other = stores("dead", 500), stores("other", 500)
    assert set(dead.claim_feeds(["x", "y"], NOW, only_due=False)) == {"x", "y"}  # new feeds: rows made, leased
    # `--once` too skips what a live worker holds.
    assert other.claim_feeds(["x", "y", "z"], NOW + LEASE / 2, only_due=False).keys() == {"z"}
    assert dead.claim_feeds(["x"], NOW + LEASE / 2, only_due=True).keys() == {"x"}  # its own: still its own
    with caplog.at_level(logging.WARNING, logger="monitor.store.leases"):
        taken = other.claim_feeds(["x", "y"], NOW + LEASE + dt.timedelta(seconds=1), only_due=True)
    assert taken.keys() == {"y"}  # x's lease was renewed by the second claim; y's ran out
    assert "feed y: taken over from worker dead:1:abcdef" in caplog.text


def test_saving_a_state_ends_the_lease_and_a_late_save_of_a_lost_lease_is_not_applied(
        stores: Callable[[str, int], Store], caplog: pytest.LogCaptureFixture) -> None:
    slow, fast = stores("slow", 500), stores("fast", 500)
    slow.claim_feeds(["x"], NOW, only_due=True)
    later = NOW + LEASE + dt.timedelta(seconds=1)  # slow's lease ran out: fast takes the feed over
    [taken] = fast.claim_feeds(["x"], later, only_due=True).values()
    with caplog.at_level(logging.WARNING, logger="monitor.store.database"):
        slow.save_feed_states([FeedState(name="x", error_count=7)])  # slow wakes up: its result is stale
    assert "feed x: not saved, worker fast:1:abcdef holds it" in caplog.text
    assert fast.feed_states()["x"] == taken  # untouched
    fast.save_feed_states([polled(taken, later)])
    assert fast.feed_states()["x"].etag == '"e"'
    assert slow.claim_feeds(["x"], later, only_due=False).keys() == {"x"}  # saved: the lease ended


def test_a_claim_takes_at_most_its_batch_most_overdue_first_and_only_due_feeds(
        stores: Callable[[str, int], Store]) -> None:
    store = stores("a", 2)
    store.save_feed_states([FeedState(name="soon", next_poll=NOW + dt.timedelta(minutes=1)),
                            FeedState(name="late", next_poll=NOW - dt.timedelta(hours=2)),
                            FeedState(name="later", next_poll=NOW - dt.timedelta(hours=1))])
    assert list(store.claim_feeds(["soon", "late", "later", "new"], NOW, only_due=True)) == ["new", "late"]
    store.release_feeds()
    assert list(store.claim_feeds(["soon", "later"], NOW, only_due=True)) == ["later"]  # "soon" is not due
    assert set(store.claim_feeds(["soon"], NOW, only_due=False)) == {"soon"}  # --once: due or not


def alert(guid: str) -> dict[str, object]:
    return to_payload(Alert(id=0, headline=f"allegation {guid}", url=f"https://news.example.org/{guid}",
                            source="UN News", published=NOW, cases=("Tlatlaya killings",), implicated=(), at_risk=(),
                            allegation_types=("killing",), passage="soldiers executed them"))


def queue(store: Store, guid: str, thread_of: int | None = None) -> int:
    item = Item(feed="f", guid=guid, url=f"https://news.example.org/{guid}", title=guid)
    item_id = store.save_item(item, Assessment(alert=True), fetched_at=NOW, alert=alert(guid), thread_key="case:t",
                              thread_of=thread_of)
    return next(row.id for row in store.pending_alerts() if row.item_id == item_id)


class Channel:
    """A Slack channel two workers post to at once: it counts the posts of each alert."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.posts: Counter[int] = Counter()
        self.threads: dict[int, str | None] = {}

    def send(self, message: Alert) -> str:
        with self.lock:
            self.posts[message.id] += 1
            self.threads[message.id] = message.thread_ts
            return f"{1000 + sum(self.posts.values())}.0001"

    def find_posted(self, alert_id: int, oldest: float | None = None, *, thread_ts: str | None = None) -> str | None:
        return None


def test_two_workers_delivering_at_once_post_each_alert_once(stores: Callable[[str, int], Store]) -> None:
    a, b = stores("a", 500), stores("b", 500)
    queued = [queue(a, f"g{i}") for i in range(120)]
    channel = Channel()
    reports = together(lambda: deliver_pending(a, channel, lambda: NOW),  # type: ignore[arg-type]
                       lambda: deliver_pending(b, channel, lambda: NOW))  # type: ignore[arg-type]
    assert sorted(channel.posts) == queued and set(channel.posts.values()) == {1}
    assert sum(r.sent for r in reports) == len(queued) and a.alert_counts() == {"sent": len(queued)}
    assert deliver_pending(b, channel, lambda: NOW).sent == 0  # nothing pending: one read, no claim


def test_a_reply_waits_for_its_thread_root_that_another_worker_holds(stores: Callable[[str, int], Store]) -> None:
    a, b = stores("a", 500), stores("b", 500)
    root = queue(a, "root")
    [held] = b.claim_pending("alerts", NOW)  # b is posting the root...
    reply = queue(a, "reply", thread_of=root)  # ... when a reply in its thread is queued
    assert held.id == root
    assert a.claim_pending("alerts", NOW) == []  # posted now, it would land outside its thread: left for later
    b.mark_sent("alerts", root, "111.222", NOW)
    [later] = a.claim_pending("alerts", NOW)
    assert later.id == reply and later.thread_ts == "111.222"
    a.release_outbox("alerts")
    second = queue(a, "second root")
    third = queue(a, "its reply", thread_of=second)
    assert [r.id for r in b.claim_pending("alerts", NOW, after_id=reply)] == [second, third]  # one claim: in order


def test_a_lost_outbox_lease_is_not_posted_by_its_old_holder(stores: Callable[[str, int], Store]) -> None:
    slow, fast = stores("slow", 500), stores("fast", 500)
    row_id = queue(slow, "g")
    assert [r.id for r in slow.claim_pending("alerts", NOW)] == [row_id]
    [taken] = fast.claim_pending("alerts", NOW + LEASE + dt.timedelta(seconds=1))
    assert taken.id == row_id
    assert not slow.mark_attempt("alerts", row_id, NOW + LEASE)  # the old holder must not post it now
    assert fast.mark_attempt("alerts", row_id, NOW + LEASE)


def test_two_workers_claiming_a_digest_at_once_send_it_once(stores: Callable[[str, int], Store]) -> None:
    a, b = stores("a", 500), stores("b", 500)
    days = [dt.date(2026, 11, 1) + dt.timedelta(days=i) for i in range(20)]
    winners = []
    for day in days:  # a race per day: the row made by one of them, or by both at once
        got = together(lambda d=day: a.claim_digest(d, "<a@x>", NOW), lambda d=day: b.claim_digest(d, "<b@x>", NOW))
        [winner] = [row for row in got if row is not None]
        assert winner.status == "pending" and winner.attempts == 1
        winners.append("ab"[got.index(winner)])
        loser = b if winners[-1] == "a" else a
        assert loser.claim_digest(day, "<x@x>", NOW + dt.timedelta(seconds=1)) is None  # held: not its to send
    assert len({a.digest(day).message_id for day in days}) <= 2  # type: ignore[union-attr]


def test_a_digest_claim_ends_when_sent_and_passes_on_when_its_holder_died(stores: Callable[[str, int], Store]) -> None:
    a, b = stores("a", 500), stores("b", 500)
    day, other_day = dt.date(2026, 11, 22), dt.date(2026, 11, 23)
    assert a.claim_digest(day, "<a@x>", NOW) is not None
    a.mark_digest(day, sent=True, now=NOW)
    assert b.claim_digest(day, "<b@x>", NOW + LEASE * 2) is None  # sent: never again
    assert a.claim_digest(other_day, "<a@x>", NOW) is not None  # a dies while sending this one
    assert b.claim_digest(other_day, "<b@x>", NOW + LEASE / 2) is None
    row = b.claim_digest(other_day, "<b@x>", NOW + LEASE + dt.timedelta(seconds=1))
    assert row is not None and row.message_id == "<a@x>" and row.attempts == 2  # same Message-ID: one e-mail


def test_a_worker_renews_its_leases_while_it_polls_and_stops_after(db_url: str) -> None:
    lease = dt.timedelta(seconds=0.3)  # renewed every 0.1 s
    busy, other = Store(db_url, Worker("busy:1:abcdef", lease, 500)), Store(db_url, Worker("other:1:abcdef", lease))
    now = [NOW]
    busy.claim_feeds(["x"], NOW, only_due=True)
    later = NOW + dt.timedelta(hours=1)  # the batch takes long: long past the first lease
    with renewing(busy, lambda: now[0]):
        now[0] = later
        wait_until(lambda: lease_until(busy, "x") == later + lease)
        assert other.claim_feeds(["x"], later + lease / 2, only_due=True) == {}  # still held: not taken over
    assert "lease-renewal" not in {t.name for t in threading.enumerate()}  # renewal ends with the block
    assert other.claim_feeds(["x"], later + lease * 2, only_due=True).keys() == {"x"}  # then the lease runs out
    busy.close()
    other.close()


def lease_until(store: Store, name: str) -> dt.datetime | None:
    with store.engine.connect() as conn:
        return conn.execute(select(schema.feeds.c.lease_until).where(schema.feeds.c.name == name)).scalar()


def wait_until(condition: Callable[[], bool]) -> None:
    """Check `condition` every 20 ms (the renewal thread runs meanwhile); fail after 10 s."""
    tick = threading.Event()
    for _ in range(500):
        if condition():
            return
        tick.wait(0.02)
    pytest.fail("the lease was not renewed within 10 s")
