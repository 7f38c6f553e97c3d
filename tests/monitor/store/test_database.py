"""The store keeps each item once and writes a decision with its outbox row in one transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import StatementError

from monitor.domain.assessment import Allegation, Assessment, Evidence, Link
from monitor.domain.item import FeedState, Item, Page
from monitor.store.database import Store

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def item(guid: str, url: str = "", feed: str = "f", title: str = "t") -> Item:
    return Item(feed=feed, guid=guid, url=url, title=title, summary="s", pages=(Page("p2 text", 2),))


ALERTING = Assessment(
    cases=(Link("case", "tlatlaya-2014", 0.9, (Evidence("alias", "in Tlatlaya", "Tlatlaya", 1.0),)),),
    units=(Link("unit", "sedena-102-bi", 0.9, via="case", implicated=True),),
    allegation=Allegation(("killing",)), implicated=("sedena-102-bi",), at_risk=("sedena-102-bi",), alert=True)


def test_unseen_drops_known_guid_and_known_canonical_url(store: Store) -> None:
    store.save_item(item("g1", "https://x.org/a"), Assessment(), fetched_at=NOW)
    fresh = store.unseen([item("g1"), item("g2", "https://x.org/a", feed="other"), item("g3", "https://x.org/b"),
                          item("g3", "https://x.org/b")])
    assert [i.guid for i in fresh] == ["g3"]  # same guid, same URL in another feed, repeat in batch


def test_save_round_trips_item_links_and_evidence(store: Store) -> None:
    item_id = store.save_item(item("g1", "https://x.org/a"), ALERTING, fetched_at=NOW, alert={"headline": "h"},
                              thread_key="case:tlatlaya-2014")
    [stored] = store.items_fetched_between(NOW, NOW + dt.timedelta(seconds=1))
    assert stored.id == item_id and stored.story_id == item_id
    assert stored.item.pages == (Page("p2 text", 2),)
    again = store.assessments_between(NOW, NOW + dt.timedelta(seconds=1))[item_id]
    assert again.alert and again.cases[0].evidence[0].detail == "Tlatlaya"
    assert [row.item_id for row in store.pending_alerts()] == [item_id]


def test_the_thread_given_is_recorded_and_its_root_found_again(store: Store) -> None:
    first = store.save_item(item("g1"), ALERTING, fetched_at=NOW, alert={}, thread_key="case:c")
    [root] = store.pending_alerts()
    store.save_item(item("g2"), ALERTING, fetched_at=NOW + dt.timedelta(hours=1), alert={}, thread_key="case:c",
                    thread_of=root.id)
    store.save_item(item("g3"), ALERTING, fetched_at=NOW + dt.timedelta(days=30), alert={}, thread_key="case:d")
    rows = store.pending_alerts()
    assert [r.thread_of for r in rows] == [None, root.id, None] and rows[0].item_id == first
    with store.batch() as batch:  # roots only (not replies), since the time asked
        assert [(t.key, t.alert_id) for t in batch.thread_roots(NOW)] == [("case:c", root.id), ("case:d", rows[2].id)]
        assert [t.key for t in batch.thread_roots(NOW + dt.timedelta(days=1))] == ["case:d"]
    store.mark_sent("alerts", root.id, "111.222", NOW)
    assert [r.thread_ts for r in store.pending_alerts()] == ["111.222", None]


def test_a_savepoint_undoes_its_part_only(store: Store) -> None:
    with store.batch() as batch:
        batch.save_item(item("g1"), ALERTING, fetched_at=NOW, alert={})
        with pytest.raises(RuntimeError), batch.savepoint():
            batch.save_item(item("g2"), ALERTING, fetched_at=NOW, alert={})
            raise RuntimeError("this feed fails")
        with batch.savepoint():
            batch.save_item(item("g3"), Assessment(), fetched_at=NOW)
    assert [i.guid for i in store.unseen([item("g1"), item("g2"), item("g3")])] == ["g2"]
    assert len(store.pending_alerts()) == 1


def test_a_failed_batch_undoes_its_released_savepoints_too(store: Store) -> None:
    with pytest.raises(RuntimeError), store.batch() as batch:
        with batch.savepoint():  # the first statement of the batch: it must not commit on release
            batch.save_item(item("g1"), ALERTING, fetched_at=NOW, alert={})
        raise RuntimeError("crash before the commit")
    assert store.unseen([item("g1")]) != [] and store.pending_alerts() == []


def test_attempts_are_recorded_before_a_send(store: Store) -> None:
    store.save_item(item("g1"), ALERTING, fetched_at=NOW, alert={})
    [row] = store.pending_alerts()
    store.mark_attempt("alerts", row.id, NOW)
    assert store.pending_alerts()[0].attempts == 1
    store.mark_sent("alerts", row.id, "1.2", NOW)
    assert store.pending_alerts() == []
    assert store.alert_counts() == {"sent": 1}


def test_a_failed_save_leaves_nothing_behind(store: Store) -> None:
    # The outbox row fails after the item and links were inserted: the whole step rolls back.
    # SQLAlchemy wraps the JSON encoder's TypeError on SQLite; psycopg encodes JSON itself and raises it bare.
    with pytest.raises((StatementError, TypeError)):
        store.save_item(item("g1"), ALERTING, fetched_at=NOW, alert={"not json": object()})
    assert store.unseen([item("g1")]) != []
    assert store.pending_alerts() == []


def test_digest_claim_is_stable_and_once(store: Store) -> None:
    day = dt.date(2026, 11, 23)
    first = store.claim_digest(day, "<a@x>", NOW)
    second = store.claim_digest(day, "<b@x>", NOW)
    assert first.message_id == second.message_id == "<a@x>" and second.attempts == 2
    store.mark_digest(day, sent=True, now=NOW)
    row = store.digest(day)
    assert row is not None and row.status == "sent"


def test_nul_characters_in_feed_text_are_dropped_on_every_engine(store: Store) -> None:
    """PostgreSQL's text and jsonb cannot hold NUL (SQLite can): the store drops it, the same on both."""
    hostile = Item(feed="f", guid="g\x001", url="https://x.org/\x00a", title="Tlat\x00laya", summary="s\x00",
                   source="So\x00urce", pages=(Page("p\x00age two", 2),))
    alert = {"headline": "Tlat\x00laya", "evidence": ["in\x00 Tlatlaya"]}
    item_id = store.save_item(hostile, ALERTING, fetched_at=NOW, alert=alert)
    [stored] = store.items_fetched_between(NOW, NOW + dt.timedelta(seconds=1))
    assert stored.id == item_id
    assert (stored.item.guid, stored.item.url, stored.item.title, stored.item.summary, stored.item.source) == (
        "g1", "https://x.org/a", "Tlatlaya", "s", "Source")
    assert stored.item.pages == (Page("page two", 2),)
    assert store.pending_alerts()[0].payload == {"headline": "Tlatlaya", "evidence": ["in Tlatlaya"]}
    assert store.unseen([hostile]) == []  # the lookup drops it too, so the item is known
    store.save_feed_states([FeedState(name="f", last_error="bad_feed: GDELT answered '\x00'")])
    assert store.feed_states()["f"].last_error == "bad_feed: GDELT answered ''"


def test_times_come_back_aware_in_utc_whatever_zone_they_were_given_in(store: Store) -> None:
    mexico = dt.timezone(dt.timedelta(hours=-6))
    given = dt.datetime(2026, 11, 23, 6, 0, 0, 123456, tzinfo=mexico)
    store.save_item(Item(feed="f", guid="g", url="", title="t", published=given), Assessment(), fetched_at=given)
    [stored] = store.items_fetched_between(NOW, NOW + dt.timedelta(seconds=1))
    assert stored.fetched_at == given and stored.fetched_at.tzinfo == dt.UTC
    assert stored.fetched_at == dt.datetime(2026, 11, 23, 12, 0, 0, 123456, tzinfo=dt.UTC)
    assert stored.item.published is not None and stored.item.published.tzinfo == dt.UTC
    with pytest.raises(StatementError, match="naive datetime"):
        store.save_item(item("h"), Assessment(), fetched_at=dt.datetime(2026, 11, 23, 12))
