"""The watchlist: units (with their chain of command), cases and public talking points.

Frozen objects, loaded once from `watchlist.yaml` by `monitor.config.watchlist`; the matchers read
them, nothing writes them.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator


def _as_list(value: Any) -> Any:
    """`description: one text` and `description: [text, text]` both mean a list of texts."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


class _Frozen(BaseModel):
    # Unknown keys are ignored so a watchlist can carry notes; known keys are checked strictly.
    model_config = ConfigDict(frozen=True, extra="ignore")


class Unit(_Frozen):
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: str = ""
    country: str = ""
    parent: str | None = None
    supported: bool = False
    support: str = ""
    areas: tuple[str, ...] = ()

    _lists = field_validator("aliases", "areas", mode="before")(_as_list)


class Case(_Frozen):
    id: str
    name: str
    date: dt.date | None = None
    place: str = ""
    aliases: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    description: tuple[str, ...] = ()

    _lists = field_validator("aliases", "units", "description", mode="before")(_as_list)


class Statement(_Frozen):
    id: str
    text: str
    cases: tuple[str, ...] = ()

    _lists = field_validator("cases", mode="before")(_as_list)


class Watchlist(_Frozen):
    units: tuple[Unit, ...] = ()
    cases: tuple[Case, ...] = ()
    statements: tuple[Statement, ...] = ()

    _lists = field_validator("units", "cases", "statements", mode="before")(_as_list)

    @model_validator(mode="after")
    def _references_resolve(self) -> Watchlist:
        unit_ids = {u.id for u in self.units}
        case_ids = {c.id for c in self.cases}
        for unit in self.units:
            if unit.parent is not None and unit.parent not in unit_ids:
                raise ValueError(f"unit {unit.id!r}: parent {unit.parent!r} is not a unit id")
        for case in self.cases:
            for uid in case.units:
                if uid not in unit_ids:
                    raise ValueError(f"case {case.id!r}: unit {uid!r} is not a unit id")
        for st in self.statements:
            for cid in st.cases:
                if cid not in case_ids:
                    raise ValueError(f"statement {st.id!r}: case {cid!r} is not a case id")
        self._check_no_cycles()
        return self

    def _check_no_cycles(self) -> None:
        parents = {u.id: u.parent for u in self.units}
        for start in parents:
            seen: set[str] = set()
            node: str | None = start
            while node is not None:
                if node in seen:
                    raise ValueError(f"unit {start!r}: the chain of command loops back to {node!r}")
                seen.add(node)
                node = parents[node]

    @cached_property
    def unit_by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.units}

    @cached_property
    def case_by_id(self) -> dict[str, Case]:
        return {c.id: c for c in self.cases}

    @cached_property
    def statement_by_id(self) -> dict[str, Statement]:
        return {s.id: s for s in self.statements}

    def chain(self, unit_id: str) -> list[Unit]:
        """The unit and its superiors, nearest first: battalion -> military zone -> ..."""
        out: list[Unit] = []
        node: str | None = unit_id
        while node is not None:
            unit = self.unit_by_id[node]
            out.append(unit)
            node = unit.parent
        return out

    def subordinates(self, unit_id: str) -> list[Unit]:
        """Every unit whose chain of command passes through `unit_id` (not the unit itself)."""
        return [u for u in self.units if u.id != unit_id and unit_id in {c.id for c in self.chain(u.id)}]

    def accusation_alerts(self, unit_id: str) -> bool:
        """Does accusing `unit_id` raise an alert? Only if it, or a superior up its chain, is supported.

        Narrower than `at_risk`: an allegation against a national police with one supported unit under it
        puts that unit at risk for the vetter to weigh, but accuses no supported unit, so it alerts no one.
        """
        return any(u.supported for u in self.chain(unit_id))

    def at_risk(self, unit_id: str) -> list[Unit]:
        """Supported units the Leahy rule puts at risk when `unit_id` is implicated.

        An allegation against a battalion makes its whole zone ineligible: so every supported unit
        in the chain of command, and every supported unit under the top of that chain.
        """
        top = self.chain(unit_id)[-1]
        family = [top, *self.subordinates(top.id)]
        return [u for u in family if u.supported]
