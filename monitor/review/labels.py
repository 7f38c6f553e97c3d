"""`monitor labels`: the group's own verdicts as a labelled set, in the `monitor eval` format.

One JSON line per reviewed alert's item: {"id", "lang", "source", "title", "text", "expect"}, the
`expect` built from the latest verdict and the item's current links:

    credible           the links stand: cases and units as linked, an allegation, an alert
    not-this-unit      an allegation, but no alert; units: the linked ones minus those it accused
    not-an-allegation  no allegation, no alert; cases and units as linked
    duplicate          left out: it says the story was seen before, nothing about the links

Only the labels a verdict vouches for are written (score.py scores the labels an item carries).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from monitor.domain.assessment import Assessment
from monitor.domain.review import Review
from monitor.store.database import Store, StoredItem


def label(stored: StoredItem, assessment: Assessment, review: Review) -> dict[str, Any] | None:
    """The labelled item for one verdict, or None when the verdict says nothing about the links."""
    cases = sorted({c.id for c in assessment.cases})
    units = sorted({u.id for u in assessment.units})
    if review.verdict == "credible":
        expect: dict[str, Any] = {"cases": cases, "units": units, "allegation": True, "alert": True}
    elif review.verdict == "not-this-unit":
        expect = {"units": sorted(set(units) - set(assessment.implicated)), "allegation": True, "alert": False}
    elif review.verdict == "not-an-allegation":
        expect = {"cases": cases, "units": units, "allegation": False, "alert": False}
    else:
        return None
    item = stored.item
    text = "\n\n".join([item.summary, *(page.text for page in item.pages)]).strip()
    return {"id": f"item-{stored.id}", "lang": item.language or "", "source": item.feed, "title": item.title,
            "text": text, "url": item.url, "expect": expect,
            "review": {"alert_id": review.alert_id, "verdict": review.verdict, "by": review.by,
                       "at": review.at.isoformat(), "note": review.note}}


def write_labels(store: Store, out: Path) -> tuple[int, int]:
    """Write the labelled items to `out`; returns (written, left out)."""
    rows = [label(*reviewed) for reviewed in store.reviewed_items()]
    kept = [row for row in rows if row is not None]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for row in kept:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(kept), len(rows) - len(kept)
