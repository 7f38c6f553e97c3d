"""Gather a unit's dossier from the store: its items and those of every unit under it, by case, then date."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping

from monitor.domain.assessment import Assessment
from monitor.domain.errors import NotFoundError
from monitor.domain.watchlist import Unit, Watchlist
from monitor.dossier.model import CaseGroup, Dossier, Entry, Passage, Summary, UnitRef, UnitRole
from monitor.store import reads
from monitor.store.database import Store, StoredItem

# Review verdicts by item id. The review tables arrive with the review issue; until then no
# verdict source is passed and every entry's verdict is None. Pass the store's verdict lookup here.
Verdicts = Callable[[Iterable[int]], Mapping[int, str]]

NO_CASE = "No tracked case"


def build_dossier(store: Store, watchlist: Watchlist, unit_id: str, *, now: dt.datetime,
                  since: dt.date | None = None, until: dt.date | None = None,
                  verdicts: Verdicts | None = None) -> Dossier:
    """The dossier of `unit_id`: items from `since` to `until` (both inclusive, UTC dates)."""
    unit = watchlist.unit_by_id.get(unit_id)
    if unit is None:
        raise NotFoundError(f"unit {unit_id!r} is not in the watchlist")
    family = [unit, *watchlist.subordinates(unit_id)]
    start = dt.datetime.combine(since, dt.time(0), tzinfo=dt.UTC) if since else None
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC) if until else None
    hits, loaded = reads.unit_hits(store, (u.id for u in family), start, end)
    entries = _entries(hits, loaded, watchlist, verdicts)
    return Dossier(
        unit=_ref(unit), chain=tuple(_ref(u) for u in watchlist.chain(unit_id)[1:]),
        subordinates=tuple(_ref(u) for u in family[1:]), since=since, until=until, generated=now,
        summary=_summary(entries, loaded.assessments, watchlist), groups=_groups(entries, loaded.assessments, watchlist))


def _entries(hits: list[reads.UnitHit], loaded: reads.Loaded, watchlist: Watchlist,
             verdicts: Verdicts | None) -> list[Entry]:
    by_item: dict[int, list[reads.UnitHit]] = defaultdict(list)
    for hit in hits:
        by_item[hit.item_id].append(hit)
    # One entry per story: its earliest linked copy; every other copy is "also reported by".
    by_story: dict[int, list[StoredItem]] = defaultdict(list)
    for stored in sorted(loaded.items.values(), key=lambda s: s.id):
        by_story[stored.story_id].append(stored)
    firsts = [copies[0] for copies in by_story.values()]
    found = verdicts([s.id for s in firsts]) if verdicts else {}
    return [_entry(first, by_item[first.id], loaded.assessments.get(first.id, Assessment()), watchlist,
                   [*by_story[first.story_id][1:], *loaded.copies.get(first.story_id, [])], found.get(first.id))
            for first in firsts]


def _entry(stored: StoredItem, hits: list[reads.UnitHit], assessment: Assessment, watchlist: Watchlist,
           copies: list[StoredItem], verdict: str | None) -> Entry:
    item = stored.item
    accused = set(assessment.implicated)
    roles = {h.unit_id: "implicated" if h.implicated or h.unit_id in accused else "touched" for h in hits}
    evidence = [e for h in hits for e in h.evidence] + [e for c in assessment.cases for e in c.evidence]
    # Several signals often cite the same sentence: one passage per (text, page), its first signal.
    unique: dict[tuple[str, int | None], Passage] = {}
    for e in evidence:
        if e.passage:
            unique.setdefault((e.passage, e.page), Passage(e.passage, e.page, e.signal))
    passages = tuple(unique.values())
    return Entry(
        item_id=stored.id, date=item.published or stored.fetched_at, source=item.source or item.feed,
        title=item.title, url=item.url,
        units=tuple(UnitRole(uid, watchlist.unit_by_id[uid].name, role) for uid, role in roles.items()
                    if uid in watchlist.unit_by_id),
        allegation_types=assessment.allegation.types if assessment.allegation else (),
        passages=passages,
        undercuts=tuple(watchlist.statement_by_id[s.id].text for s in assessment.statements
                        if s.stance == "undercuts" and s.id in watchlist.statement_by_id),
        also_reported_by=tuple(dict.fromkeys(c.item.source or c.item.feed for c in copies)),
        alerted=assessment.alert, verdict=verdict)


def _groups(entries: list[Entry], assessments: Mapping[int, Assessment], watchlist: Watchlist) -> tuple[CaseGroup, ...]:
    """By case (watchlist order, then the entries with no tracked case), each case's entries by date."""
    by_case: dict[str | None, list[Entry]] = defaultdict(list)
    for entry in entries:
        cases = [c.id for c in assessments[entry.item_id].cases] if entry.item_id in assessments else []
        for case_id in cases or [None]:
            by_case[case_id].append(entry)
    order = [c.id for c in watchlist.cases if c.id in by_case]
    order += sorted(k for k in by_case if k is not None and k not in watchlist.case_by_id)
    if None in by_case:
        order.append(None)
    return tuple(CaseGroup(case_id=key, title=_case_title(key, watchlist),
                           entries=tuple(sorted(by_case[key], key=lambda e: (e.date, e.item_id))))
                 for key in order)


def _case_title(case_id: str | None, watchlist: Watchlist) -> str:
    if case_id is None:
        return NO_CASE
    case = watchlist.case_by_id.get(case_id)
    return case.name if case else case_id


def _summary(entries: list[Entry], assessments: Mapping[int, Assessment], watchlist: Watchlist) -> Summary:
    implicating = [e for e in entries if e.role == "implicated"]
    at_risk = {uid for e in implicating if e.allegation_types for uid in assessments.get(e.item_id, Assessment()).at_risk}
    return Summary(
        items=len(entries), implicating=len(implicating),
        by_year=tuple(sorted(Counter(e.date.year for e in entries).items())),
        by_allegation_type=tuple(Counter(t for e in entries for t in e.allegation_types).most_common()),
        at_risk=tuple(_ref(u) for u in watchlist.units if u.id in at_risk))


def _ref(unit: Unit) -> UnitRef:
    return UnitRef(unit.id, unit.name, unit.supported)
