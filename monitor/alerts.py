"""Turn a linker decision into an `Alert` message, and the outbox's JSON form of it back again."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from monitor.domain.assessment import Assessment, Evidence
from monitor.domain.item import Item
from monitor.domain.messages import Alert, UnitLine
from monitor.domain.watchlist import Watchlist


def unit_line(watchlist: Watchlist, unit_id: str) -> UnitLine:
    unit = watchlist.unit_by_id[unit_id]
    chain = tuple(u.name for u in watchlist.chain(unit_id)[1:])
    return UnitLine(id=unit.id, name=unit.name, supported=unit.supported, chain=chain)


def best_evidence(assessment: Assessment) -> Evidence | None:
    """The passage to show a vetter: the allegation's own passage first, then the strongest link's."""
    if assessment.allegation and assessment.allegation.evidence:
        return assessment.allegation.evidence[0]
    links = sorted((*assessment.cases, *assessment.units), key=lambda link: -link.score)
    for link in links:
        if link.evidence:
            return link.evidence[0]
    return None


def statement_lines(assessment: Assessment, watchlist: Watchlist) -> tuple[str, ...]:
    lines = []
    for link in assessment.statements:
        statement = watchlist.statement_by_id.get(link.id)
        if statement is not None:
            lines.append(f"{link.stance or 'bears on'}: {statement.text}")
    return tuple(lines)


def build_alert(item: Item, assessment: Assessment, watchlist: Watchlist) -> Alert:
    """The alert for an item the linker flagged; `id` is 0 until the outbox row exists."""
    evidence = best_evidence(assessment)
    return Alert(
        id=0,
        headline=item.title or item.url,
        url=item.url,
        source=item.source or item.feed,
        published=item.published,
        cases=tuple(watchlist.case_by_id[c.id].name for c in assessment.cases if c.id in watchlist.case_by_id),
        implicated=tuple(unit_line(watchlist, u) for u in assessment.implicated if u in watchlist.unit_by_id),
        at_risk=tuple(unit_line(watchlist, u) for u in assessment.at_risk if u in watchlist.unit_by_id),
        allegation_types=assessment.allegation.types if assessment.allegation else (),
        passage=evidence.passage if evidence else "",
        page=evidence.page if evidence else None,
        statements=statement_lines(assessment, watchlist),
        language=item.language,
    )


def to_payload(alert: Alert) -> dict[str, Any]:
    data = dataclasses.asdict(alert)
    data.pop("id")
    data.pop("thread_ts")
    data["published"] = alert.published.isoformat() if alert.published else None
    return data


def from_payload(alert_id: int, payload: dict[str, Any], thread_ts: str | None) -> Alert:
    data = dict(payload)
    data["published"] = dt.datetime.fromisoformat(data["published"]) if data.get("published") else None
    for key in ("implicated", "at_risk"):
        data[key] = tuple(UnitLine(**{**u, "chain": tuple(u["chain"])}) for u in data[key])
    for key in ("cases", "allegation_types", "statements", "also_reported_by"):
        data[key] = tuple(data.get(key, ()))
    known = {f.name for f in dataclasses.fields(Alert)}
    return Alert(id=alert_id, thread_ts=thread_ts, **{k: v for k, v in data.items() if k in known})
