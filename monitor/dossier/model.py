"""The dossier as plain values: what a vetter hands over about one unit and the units under it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

Role = str  # "implicated" | "touched"


@dataclass(frozen=True)
class Passage:
    """An evidence passage (untrusted feed text) and the report page it is on, when known."""

    text: str
    page: int | None
    signal: str


@dataclass(frozen=True)
class UnitRole:
    """How an item bears on one unit of the dossier."""

    unit_id: str
    unit_name: str
    role: Role


@dataclass(frozen=True)
class Entry:
    """One stored story (its first linked copy) as the dossier lists it."""

    item_id: int
    date: dt.datetime
    source: str
    title: str
    url: str  # as stored; shown as a link only when `safe_url` passes it
    units: tuple[UnitRole, ...]
    allegation_types: tuple[str, ...]
    passages: tuple[Passage, ...]
    undercuts: tuple[str, ...]  # the talking points (statement texts) the item undercuts
    also_reported_by: tuple[str, ...]
    alerted: bool
    case_ids: tuple[str, ...] = ()
    # The review verdict, when the store keeps reviews (the review issue); None until then.
    verdict: str | None = None

    @property
    def role(self) -> Role:
        """The strongest role over the dossier's units: implicated beats touched."""
        return "implicated" if any(u.role == "implicated" for u in self.units) else "touched"


@dataclass(frozen=True)
class CaseGroup:
    """The entries of one case (or of no tracked case), by date."""

    case_id: str | None
    title: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class UnitRef:
    id: str
    name: str
    supported: bool


@dataclass(frozen=True)
class Summary:
    items: int
    implicating: int
    by_year: tuple[tuple[int, int], ...]
    by_allegation_type: tuple[tuple[str, int], ...]
    at_risk: tuple[UnitRef, ...]  # supported units put at risk by the items that implicate the dossier's units


@dataclass(frozen=True)
class Paging:
    """Which slice of the dossier's entries (in dossier order) `groups` holds."""

    number: int  # from 1
    pages: int
    entries: int  # in the whole dossier (a story under two cases counts twice)
    first: int
    last: int

    @classmethod
    def of(cls, entries: int, page: int | None, per_page: int) -> Paging:
        """Page `page` of `per_page` entries; None: every entry on one page."""
        if page is None or entries == 0:
            return cls(1, 1, entries, 0, entries)
        pages = -(-entries // per_page)
        number = min(max(page, 1), pages)
        return cls(number, pages, entries, (number - 1) * per_page, min(number * per_page, entries))


@dataclass(frozen=True)
class Dossier:
    unit: UnitRef
    chain: tuple[UnitRef, ...]  # the unit's superiors, nearest first
    subordinates: tuple[UnitRef, ...]  # every unit under it (their items are rolled up here)
    since: dt.date | None
    until: dt.date | None
    generated: dt.datetime
    summary: Summary
    groups: tuple[CaseGroup, ...]
    paging: Paging
