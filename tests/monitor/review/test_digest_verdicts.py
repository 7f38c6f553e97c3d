"""The digest shows each item's verdict; dismissed items move to a short "dismissed" section, escaped."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from monitor.config.watchlist import load_watchlist
from monitor.demo import WATCHLIST
from monitor.digests import build_digest
from monitor.store import schema
from monitor.store.database import Store
from notifiers.digest import render_digest

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
NOTE = "<script>alert(1)</script> same as the CNDH file"


def test_verdicts_in_the_digest_and_dismissed_items_apart(release_1_db: str) -> None:
    store = Store(release_1_db)
    with store.engine.connect() as conn:
        day = conn.execute(select(func.min(schema.items.c.fetched_at))).scalar_one().date()
    watchlist = load_watchlist(WATCHLIST)
    headline = {i: headline_of(store, i) for i in (1, 2)}
    store.add_review(1, "credible", by="ana", now=NOW, note=NOTE)
    store.add_review(2, "credible", by="ana", now=NOW)
    store.add_review(2, "duplicate", by="bea", now=NOW)  # the last verdict wins

    digest = build_digest(store, watchlist, day, ZoneInfo("UTC"))
    listed = [e.headline for g in (*digest.groups, *digest.statements) for e in g.entries]
    assert headline[1] in listed and headline[2] not in listed
    assert [e.headline for e in digest.dismissed] == [headline[2]]
    assert {e.verdict for g in digest.groups for e in g.entries if e.headline == headline[1]} == {"Credible"}

    rendered = render_digest(digest)
    assert "1 dismissed" in rendered.subject
    assert "Verdict: Credible (ana): <script>alert(1)</script> same as the CNDH file" in rendered.text
    assert "== DISMISSED BY A VETTER ==" in rendered.text and f"- Duplicate: {headline[2]}" in rendered.text
    assert "<script>" not in rendered.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    dismissed_html = rendered.html.split("<h2>Dismissed by a vetter</h2>")[1]
    assert "<strong>Duplicate</strong>" in dismissed_html and "bea" in dismissed_html


def headline_of(store: Store, alert_id: int) -> str:
    row = store.alert(alert_id)
    assert row is not None, f"the fixture lost alert {alert_id}"
    return str(row.payload["headline"])
