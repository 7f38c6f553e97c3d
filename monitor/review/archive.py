"""The "from the archive" message: one per unit, listing the stored items that now implicate it.

Its outbox row keeps it as JSON (`notice_payload`), read back by the outbox (`notice_from_payload`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from monitor.alerts import best_evidence, unit_line
from monitor.domain.assessment import Assessment
from monitor.domain.messages import ArchiveEntry, ArchiveNotice, UnitLine
from monitor.domain.watchlist import Watchlist
from monitor.store.database import StoredItem


def archive_entry(stored: StoredItem, assessment: Assessment) -> ArchiveEntry:
    item, evidence = stored.item, best_evidence(assessment)
    return ArchiveEntry(item_id=stored.id, headline=item.title or item.url, url=item.url,
                        source=item.source or item.feed, published=item.published,
                        passage=evidence.passage if evidence else "", page=evidence.page if evidence else None)


def notice_payload(watchlist: Watchlist, unit_id: str, entries: Iterable[ArchiveEntry],
                   allegation_types: Iterable[str] = ()) -> dict[str, Any]:
    at_risk = [unit_line(watchlist, u.id) for u in watchlist.at_risk(unit_id) if u.id != unit_id]
    return {
        "unit": _unit_json(unit_line(watchlist, unit_id)),
        "at_risk": [_unit_json(u) for u in at_risk],
        "entries": [{"item_id": e.item_id, "headline": e.headline, "url": e.url, "source": e.source,
                     "published": e.published.isoformat() if e.published else None, "passage": e.passage,
                     "page": e.page} for e in entries],
        "allegation_types": sorted(set(allegation_types)),
    }


def notice_from_payload(notice_id: int, payload: dict[str, Any]) -> ArchiveNotice:
    entries = tuple(ArchiveEntry(**{**e, "published": dt.datetime.fromisoformat(e["published"])
                                    if e.get("published") else None}) for e in payload["entries"])
    # Rows queued before `at_risk` was kept have none: their unit was itself supported.
    return ArchiveNotice(id=notice_id, unit=_unit_from_json(payload["unit"]), entries=entries,
                         allegation_types=tuple(payload.get("allegation_types", ())),
                         at_risk=tuple(_unit_from_json(u) for u in payload.get("at_risk", ())))


def _unit_json(unit: UnitLine) -> dict[str, Any]:
    return {"id": unit.id, "name": unit.name, "supported": unit.supported, "chain": list(unit.chain)}


def _unit_from_json(unit: dict[str, Any]) -> UnitLine:
    return UnitLine(unit["id"], unit["name"], unit["supported"], tuple(unit["chain"]))
