"""`decide`: item + assessment + story + recent threads -> decision, with no store and no I/O."""

from __future__ import annotations

import datetime as dt

from monitor.decide import THREAD_WINDOW, Story, ThreadRoot, decide, thread_key, thread_root
from monitor.domain.assessment import Allegation, Assessment, Evidence, Link
from monitor.domain.item import Item
from monitor.domain.watchlist import Case, Unit, Watchlist

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)

WATCHLIST = Watchlist(
    units=(Unit(id="zone-35", name="35th Military Zone", supported=True),
           Unit(id="bi-102", name="102nd Infantry Battalion", parent="zone-35", supported=True)),
    cases=(Case(id="tlatlaya", name="Tlatlaya killings", units=("bi-102",)),
           Case(id="iguala", name="Iguala disappearances")),
)
ITEM = Item(feed="un-news", guid="g1", url="https://news.example.org/1", title="Soldiers executed 15 in Tlatlaya",
            source="UN News")
ALLEGING = Assessment(
    cases=(Link("case", "tlatlaya", 0.9, (Evidence("allegation", "soldiers executed them", "executed"),)),
           Link("case", "iguala", 0.4)),
    units=(Link("unit", "bi-102", 0.9, via="case", implicated=True),),
    allegation=Allegation(("killing",), (Evidence("allegation", "soldiers executed them", "executed"),)),
    implicated=("bi-102",), at_risk=("bi-102", "zone-35"), alert=True)


def test_an_item_with_no_alert_from_the_linker_does_not_alert() -> None:
    linked_only = Assessment(cases=ALLEGING.cases, units=ALLEGING.units)
    decision = decide(ITEM, linked_only, WATCHLIST, now=NOW)
    assert decision.alert is None and decision.thread_of is None and decision.story_id is None
    assert "no allegation" in decision.why


def test_an_alert_carries_the_item_the_units_and_the_passage() -> None:
    decision = decide(ITEM, ALLEGING, WATCHLIST, now=NOW)
    assert decision.alert is not None and decision.why == "alert"
    assert decision.alert.headline == ITEM.title and decision.alert.source == "UN News"
    assert decision.alert.cases == ("Tlatlaya killings", "Iguala disappearances")
    assert [u.name for u in decision.alert.at_risk] == ["102nd Infantry Battalion", "35th Military Zone"]
    assert decision.alert.at_risk[0].chain == ("35th Military Zone",)
    assert decision.alert.passage == "soldiers executed them"
    assert decision.thread_key == "case:tlatlaya"  # the strongest case, not the first listed


def test_a_copy_of_a_story_that_already_alerted_joins_it_silently() -> None:
    decision = decide(ITEM, ALLEGING, WATCHLIST, now=NOW, story=Story(7, alerted=True))
    assert decision.alert is None and decision.story_id == 7 and "story 7" in decision.why


def test_a_copy_of_a_story_that_did_not_alert_alerts_and_still_joins_it() -> None:
    decision = decide(ITEM, ALLEGING, WATCHLIST, now=NOW, story=Story(7, alerted=False))
    assert decision.alert is not None and decision.story_id == 7


def test_an_alert_replies_under_the_latest_root_of_its_thread_within_the_window() -> None:
    threads = [ThreadRoot("case:tlatlaya", 3, NOW - THREAD_WINDOW - dt.timedelta(minutes=1)),  # too old
               ThreadRoot("case:tlatlaya", 9, NOW - dt.timedelta(days=2)),
               ThreadRoot("case:iguala", 12, NOW - dt.timedelta(hours=1))]  # another case
    decision = decide(ITEM, ALLEGING, WATCHLIST, now=NOW, threads=threads)
    assert decision.thread_of == 9 and "alert 9" in decision.why
    assert decide(ITEM, ALLEGING, WATCHLIST, now=NOW, threads=threads[:1]).thread_of is None


def test_the_window_edge_is_inside() -> None:
    assert thread_root("case:c", [ThreadRoot("case:c", 4, NOW - THREAD_WINDOW)], NOW) == 4


def test_thread_key_is_the_strongest_case_else_the_first_accused_unit_else_none() -> None:
    assert thread_key(ALLEGING) == "case:tlatlaya"
    assert thread_key(Assessment(implicated=("bi-102", "zone-35"))) == "unit:bi-102"
    assert thread_key(Assessment()) == ""
    assert thread_root("", [ThreadRoot("", 1, NOW)], NOW) is None  # no key, no thread
