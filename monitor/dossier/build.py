"""Gather a unit's dossier from the store: its items and those of every unit under it, by case, then date.

The summary always covers every item; the entries can be one page of the dossier (`page`), so a
unit with thousands of items shows in the console at once: evidence passages, the heaviest part,
are read only for the entries shown.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

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
    stories = _stories(found)
    ordered = _ordered(stories, watchlist)
    paging = Paging.of(len(ordered), page, per_page)
    shown = _shown(ordered[paging.first:paging.last], found, store, watchlist, [u.id for u in family], verdicts)
    return Dossier(
        unit=_ref(unit), chain=tuple(_ref(u) for u in watchlist.chain(unit_id)[1:]),
        subordinates=tuple(_ref(u) for u in family[1:]), since=since, until=until, generated=now,
        summary=_summary(stories, watchlist), groups=_groups(shown, watchlist), paging=paging)


@dataclass(frozen=True)
class _Story:
    """A story as the summary and the order need it: its first linked copy, date, roles and decision."""

    first: int
    story_id: int
    date: dt.datetime
    roles: dict[str, str]  # unit id -> implicated | touched
    decided: reads.Decided

    @property
    def implicating(self) -> bool:
        return "implicated" in self.roles.values()


_UNDECIDED = reads.Decided((), (), (), False, [], [])


def _stories(found: reads.UnitFile) -> list[_Story]:
    """One per story: its earliest linked copy stands for it (the others are "also reported by")."""
    by_item: dict[int, dict[str, str]] = defaultdict(dict)
    for hit in found.hits:
        accused = hit.implicated or hit.unit_id in found.decided.get(hit.item_id, _UNDECIDED).implicated
        roles = by_item[hit.item_id]
        if roles.get(hit.unit_id) != "implicated":
            roles[hit.unit_id] = "implicated" if accused else "touched"
    firsts: dict[int, reads.Dated] = {}
    for dated in found.items.values():  # in id order
        firsts.setdefault(dated.story_id, dated)
    return [_Story(d.id, d.story_id, d.date, by_item[d.id], found.decided.get(d.id, _UNDECIDED))
            for d in firsts.values()]


def _ordered(stories: list[_Story], watchlist: Watchlist) -> list[tuple[str | None, _Story]]:
    """(case, story) in dossier order: by case (watchlist order, then no tracked case), then by date.
    A story linked to two cases is listed under both."""
    by_case: dict[str | None, list[_Story]] = defaultdict(list)
    for story in stories:
        for case_id in dict.fromkeys(story.decided.cases) or (None,):
            by_case[case_id].append(story)
    order: list[str | None] = [c.id for c in watchlist.cases if c.id in by_case]
    order += sorted(k for k in by_case if k is not None and k not in watchlist.case_by_id)
    if None in by_case:
        order.append(None)
    return [(key, s) for key in order for s in sorted(by_case[key], key=lambda s: (s.date, s.first))]


def _shown(page: list[tuple[str | None, _Story]], found: reads.UnitFile, store: Store, watchlist: Watchlist,
           unit_ids: list[str], verdicts: Verdicts | None) -> list[tuple[str | None, Entry]]:
    """The page's entries in full: titles, links and sources (with the copies'), passages, verdicts,
    read for these stories alone."""
    firsts = list(dict.fromkeys(s.first for _, s in page))
    copies = {s.first: [i for i in found.stories.get(s.story_id, []) if i != s.first] for _, s in page}
    heads = reads.headlines(store, [*firsts, *(i for ids in copies.values() for i in ids)])
    evidence = reads.unit_evidence(store, firsts, unit_ids)
    given = verdicts(firsts) if verdicts else {}
    return [(key, _entry(s, heads[s.first], [heads[i] for i in copies[s.first] if i in heads], watchlist,
                         _passages(evidence.get(s.first, [])), given.get(s.first)))
            for key, s in page]


def _entry(story: _Story, head: reads.Headline, copies: list[reads.Headline], watchlist: Watchlist,
           passages: tuple[Passage, ...], verdict: str | None) -> Entry:
    statements = watchlist.statement_by_id
    return Entry(
        item_id=story.first, date=story.date, source=head.source or head.feed, title=head.title, url=head.url,
        units=tuple(UnitRole(uid, watchlist.unit_by_id[uid].name, role) for uid, role in story.roles.items()
                    if uid in watchlist.unit_by_id),
        allegation_types=story.decided.allegation_types, passages=passages,
        undercuts=tuple(statements[s].text for s in story.decided.undercuts if s in statements),
        also_reported_by=tuple(dict.fromkeys(c.source or c.feed for c in copies)),
        alerted=story.decided.alert, case_ids=tuple(dict.fromkeys(story.decided.cases)), verdict=verdict)


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


def _summary(stories: list[_Story], watchlist: Watchlist) -> Summary:
    implicating = [s for s in stories if s.implicating]
    at_risk = {uid for s in implicating if s.decided.allegation_types for uid in s.decided.at_risk}
    return Summary(
        items=len(stories), implicating=len(implicating),
        by_year=tuple(sorted(Counter(s.date.year for s in stories).items())),
        by_allegation_type=tuple(Counter(t for s in stories for t in s.decided.allegation_types).most_common()),
        at_risk=tuple(_ref(u) for u in watchlist.units if u.id in at_risk))


def _ref(unit: Unit) -> UnitRef:
    return UnitRef(unit.id, unit.name, unit.supported)
