"""Gather a unit's dossier from the store: its items and those of every unit under it, by case, then date.

The summary always covers every item; the entries can be one page of the dossier (`page`), so a
unit with thousands of items shows in the console at once: evidence passages, the heaviest part,
are read only for the entries shown.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping

from monitor.domain.assessment import Evidence
from monitor.domain.errors import NotFoundError
from monitor.domain.watchlist import Unit, Watchlist
from monitor.dossier.model import CaseGroup, Dossier, Entry, Paging, Passage, Summary, UnitRef, UnitRole
from monitor.store import reads
from monitor.store.database import Store

# Review verdicts by item id. The review tables arrive with the review issue; until then no
# verdict source is passed and every entry's verdict is None. Pass the store's verdict lookup here.
Verdicts = Callable[[Iterable[int]], Mapping[int, str]]

NO_CASE = "No tracked case"
PER_PAGE = 100  # stories per page of the console's dossier


def build_dossier(store: Store, watchlist: Watchlist, unit_id: str, *, now: dt.datetime,
                  since: dt.date | None = None, until: dt.date | None = None,
                  verdicts: Verdicts | None = None, page: int | None = None, per_page: int = PER_PAGE) -> Dossier:
    """The dossier of `unit_id`: items from `since` to `until` (both inclusive, UTC dates); every entry,
    or only page `page` (from 1) of `per_page` entries in dossier order."""
    unit = watchlist.unit_by_id.get(unit_id)
    if unit is None:
        raise NotFoundError(f"unit {unit_id!r} is not in the watchlist")
    family = [unit, *watchlist.subordinates(unit_id)]
    start = dt.datetime.combine(since, dt.time(0), tzinfo=dt.UTC) if since else None
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC) if until else None
    found = reads.unit_file(store, (u.id for u in family), start, end)
    entries = _entries(found, watchlist)
    ordered = _ordered(entries, found.decided, watchlist)
    paging = Paging.of(len(ordered), page, per_page)
    shown = ordered[paging.first:paging.last]
    shown = _with_details(shown, store, [u.id for u in family], verdicts)
    return Dossier(
        unit=_ref(unit), chain=tuple(_ref(u) for u in watchlist.chain(unit_id)[1:]),
        subordinates=tuple(_ref(u) for u in family[1:]), since=since, until=until, generated=now,
        summary=_summary(entries, found.decided, watchlist), groups=_groups(shown, watchlist), paging=paging)


def _entries(found: reads.UnitFile, watchlist: Watchlist) -> list[Entry]:
    """One entry per story (its earliest linked copy; other copies are "also reported by"), no passages yet."""
    by_item: dict[int, list[reads.UnitHit]] = defaultdict(list)
    for hit in found.hits:
        by_item[hit.item_id].append(hit)
    by_story: dict[int, list[reads.Headline]] = defaultdict(list)
    for head in found.items.values():  # in id order
        by_story[head.story_id].append(head)
    return [_entry(copies[0], by_item[copies[0].id], found.decided.get(copies[0].id, _UNDECIDED), watchlist,
                   [*copies[1:], *found.copies.get(copies[0].story_id, [])])
            for copies in by_story.values()]


_UNDECIDED = reads.Decided((), (), (), False, [], [])


def _entry(head: reads.Headline, hits: list[reads.UnitHit], decided: reads.Decided, watchlist: Watchlist,
           copies: list[reads.Headline]) -> Entry:
    accused = set(decided.implicated)
    roles = {h.unit_id: "implicated" if h.implicated or h.unit_id in accused else "touched" for h in hits}
    statements = watchlist.statement_by_id
    return Entry(
        item_id=head.id, date=head.date, source=head.source or head.feed, title=head.title, url=head.url,
        units=tuple(UnitRole(uid, watchlist.unit_by_id[uid].name, role) for uid, role in roles.items()
                    if uid in watchlist.unit_by_id),
        allegation_types=decided.allegation_types, passages=(),
        undercuts=tuple(statements[s].text for s in decided.undercuts if s in statements),
        also_reported_by=tuple(dict.fromkeys(c.source or c.feed for c in copies)),
        alerted=decided.alert, case_ids=tuple(dict.fromkeys(decided.cases)))


def _ordered(entries: list[Entry], decided: Mapping[int, reads.Decided],
             watchlist: Watchlist) -> list[tuple[str | None, Entry]]:
    """(case, entry) in dossier order: by case (watchlist order, then no tracked case), then by date.
    A story linked to two cases is listed under both."""
    by_case: dict[str | None, list[Entry]] = defaultdict(list)
    for entry in entries:
        for case_id in entry.case_ids or (None,):
            by_case[case_id].append(entry)
    order: list[str | None] = [c.id for c in watchlist.cases if c.id in by_case]
    order += sorted(k for k in by_case if k is not None and k not in watchlist.case_by_id)
    if None in by_case:
        order.append(None)
    return [(key, e) for key in order for e in sorted(by_case[key], key=lambda e: (e.date, e.item_id))]


def _with_details(shown: list[tuple[str | None, Entry]], store: Store, unit_ids: list[str],
                  verdicts: Verdicts | None) -> list[tuple[str | None, Entry]]:
    """The shown entries with their evidence passages and review verdicts, read for them alone."""
    ids = list(dict.fromkeys(e.item_id for _, e in shown))
    evidence = reads.unit_evidence(store, ids, unit_ids)
    given = verdicts(ids) if verdicts else {}
    return [(key, dataclasses.replace(e, passages=_passages(evidence.get(e.item_id, [])), verdict=given.get(e.item_id)))
            for key, e in shown]


def _passages(evidence: list[Evidence]) -> tuple[Passage, ...]:
    # Several signals often cite the same sentence: one passage per (text, page), its first signal.
    unique: dict[tuple[str, int | None], Passage] = {}
    for e in evidence:
        if e.passage:
            unique.setdefault((e.passage, e.page), Passage(e.passage, e.page, e.signal))
    return tuple(unique.values())


def _groups(shown: list[tuple[str | None, Entry]], watchlist: Watchlist) -> tuple[CaseGroup, ...]:
    groups: dict[str | None, list[Entry]] = {}
    for key, entry in shown:
        groups.setdefault(key, []).append(entry)
    return tuple(CaseGroup(key, _case_title(key, watchlist), tuple(entries)) for key, entries in groups.items())


def _case_title(case_id: str | None, watchlist: Watchlist) -> str:
    if case_id is None:
        return NO_CASE
    case = watchlist.case_by_id.get(case_id)
    return case.name if case else case_id


def _summary(entries: list[Entry], decided: Mapping[int, reads.Decided], watchlist: Watchlist) -> Summary:
    implicating = [e for e in entries if e.role == "implicated"]
    at_risk = {uid for e in implicating if e.allegation_types for uid in decided.get(e.item_id, _UNDECIDED).at_risk}
    return Summary(
        items=len(entries), implicating=len(implicating),
        by_year=tuple(sorted(Counter(e.date.year for e in entries).items())),
        by_allegation_type=tuple(Counter(t for e in entries for t in e.allegation_types).most_common()),
        at_risk=tuple(_ref(u) for u in watchlist.units if u.id in at_risk))


def _ref(unit: Unit) -> UnitRef:
    return UnitRef(unit.id, unit.name, unit.supported)
