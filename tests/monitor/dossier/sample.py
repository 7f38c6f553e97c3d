"""A small store for the dossier and console tests, stated here with what each item is for.

Units (the repository's watchlist.yaml): sedena-22-zm (22nd Military Zone) commands sedena-102-bi
(102nd Infantry Battalion); sedena-35-zm commands sedena-27-bi, another chain entirely.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from monitor.config.watchlist import load_watchlist
from monitor.domain.assessment import Allegation, Assessment, Evidence, Link
from monitor.domain.item import FeedState, Item, Page
from monitor.domain.watchlist import Watchlist
from monitor.store.database import Store

WATCHLIST = Path(__file__).resolve().parents[3] / "watchlist.yaml"
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
HOSTILE_TITLE = '<script>alert("t")</script><img src=x onerror=alert(2)> Soldiers of the 102nd'
FORMULA_PASSAGE = '=HYPERLINK("http://evil.example","x") <i>102nd</i> passage'
PASSAGE = "soldiers of the 102nd Infantry Battalion executed people who had surrendered"


def watchlist() -> Watchlist:
    return load_watchlist(WATCHLIST)


def _item(guid: str, title: str, url: str, published: dt.datetime, source: str, summary: str = "") -> Item:
    return Item(feed="sample", guid=guid, url=url, title=title, summary=summary or title, published=published,
                source=source, pages=(Page("cover", 1), Page(PASSAGE, 2)))


def _battalion_killing(case_score: float = 0.9) -> Assessment:
    """An allegation implicating the battalion through the Tlatlaya case; it undercuts the firefight line."""
    return Assessment(
        cases=(Link("case", "tlatlaya-2014", case_score, (Evidence("alias", "in Tlatlaya", "Tlatlaya"),)),),
        units=(Link("unit", "sedena-102-bi", 0.9, (Evidence("alias", PASSAGE, "102nd", page=2),), via="named",
                    implicated=True),),
        statements=(Link("statement", "tp-tlatlaya-firefight", 0.7, stance="undercuts"),),
        allegation=Allegation(("killing", "scene tampering")), implicated=("sedena-102-bi",),
        at_risk=("sedena-22-zm", "sedena-102-bi"), alert=True,
        notes=("implicates 102nd Infantry Battalion (supported)",))


def fill(store: Store, now: dt.datetime = NOW) -> dict[str, int]:
    """Store the sample items; their ids by name."""
    ids: dict[str, int] = {}
    # 1: the report, fetched today: implicates the battalion (and so, up the chain, puts its zone at risk).
    ids["report"] = store.save_item(
        _item("r1", "UN experts: Tlatlaya victims were executed", "https://un.example/tlatlaya",
              dt.datetime(2024, 7, 1, 9, tzinfo=dt.UTC), "UN News"),
        _battalion_killing(), fetched_at=now, alert={"headline": "h"}, thread_key="case:tlatlaya-2014")
    # 2: a syndicated copy of 1 (same story): "also reported by", not an entry of its own.
    ids["copy"] = store.save_item(
        _item("r1-wire", "Tlatlaya victims executed, experts say", "https://wire.example/tlatlaya",
              dt.datetime(2024, 7, 1, 11, tzinfo=dt.UTC), "Wire service"),
        _battalion_killing(), fetched_at=now, story_id=ids["report"])
    # 3: the zone named in a routine communiqué: touched, not implicated; no case.
    ids["ceremony"] = store.save_item(
        _item("c1", "Change of command at the 22nd Military Zone", "https://gob.example/mando",
              dt.datetime(2025, 3, 2, 10, tzinfo=dt.UTC), "Defensa"),
        Assessment(units=(Link("unit", "sedena-22-zm", 0.8, (Evidence("alias", "the 22nd Military Zone", "22nd"),),
                               via="named"),)),
        fetched_at=now - dt.timedelta(days=400))
    # 4: another chain of command (27th battalion under the 35th zone): in neither zone-22 dossier.
    ids["iguala"] = store.save_item(
        _item("i1", "Soldiers based in Iguala watched the attack", "https://press.example/iguala",
              dt.datetime(2025, 9, 26, 8, tzinfo=dt.UTC), "Prensa"),
        Assessment(units=(Link("unit", "sedena-27-bi", 0.7, via="area", implicated=True),),
                   allegation=Allegation(("attack on civilians",)), implicated=("sedena-27-bi",),
                   at_risk=("sedena-35-zm", "sedena-27-bi"), alert=True),
        fetched_at=now)
    # 5: hostile feed text: markup in the title, a javascript: link, a formula for spreadsheets.
    ids["hostile"] = store.save_item(
        Item(feed="sample", guid="h1", url="javascript:alert(3)", title=HOSTILE_TITLE,
             summary="=HYPERLINK(\"http://evil.example\",\"x\") soldiers of the 102nd",
             published=dt.datetime(2026, 1, 5, tzinfo=dt.UTC), source="<b>Evil</b> Times"),
        Assessment(units=(Link("unit", "sedena-102-bi", 0.6, (Evidence("alias", FORMULA_PASSAGE, "102nd"),),
                               via="named"),)),
        fetched_at=now - dt.timedelta(days=300))
    store.save_feed_states([FeedState(name="sample", last_success=now, next_poll=now),
                            FeedState(name="broken-feed", error_count=3, last_error="http_503: upstream down")])
    return ids
