"""What the linker decides about one item, with the evidence a vetter needs to trust it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Signal = Literal["alias", "lexical", "dense", "place", "case", "date", "allegation", "statement"]
Target = Literal["case", "unit", "statement"]


@dataclass(frozen=True)
class Evidence:
    """Why a link was made: which signal fired, on which passage, how strongly."""

    signal: Signal
    passage: str  # the sentence / passage of the item (untrusted text)
    detail: str = ""  # the alias hit, the matched term, the case text compared against
    score: float = 1.0
    page: int | None = None  # report page the passage is on, when the item has pages


@dataclass(frozen=True)
class Link:
    """The item is linked to one case, unit or statement of the watchlist."""

    target: Target
    id: str
    score: float
    evidence: tuple[Evidence, ...] = ()
    # units: "named" (alias), "area" (place + force wording), "case" (through a linked case)
    via: str = ""
    # units: the item accuses this unit (not e.g. the arresting force); cases: the case's units are accused
    implicated: bool = False
    # statements: "undercuts" or "restates"
    stance: str = ""


@dataclass(frozen=True)
class Allegation:
    """The item reports abuse by security forces: which kinds, and the passages that say so."""

    types: tuple[str, ...]  # "killing", "disappearance", "torture", "sexual violence", ...
    evidence: tuple[Evidence, ...] = ()
    probability: float | None = None  # the allegation combiner's calibrated probability, when one decided


@dataclass(frozen=True)
class Assessment:
    """Everything the linker concluded about one item.

    `units` are the units touched directly or through a linked case (not the roll-up);
    `implicated` the unit ids accused; `at_risk` the supported units the Leahy rule puts at risk
    (chain of command roll-up); `alert` is True when an allegation implicates a supported unit.
    """

    cases: tuple[Link, ...] = ()
    units: tuple[Link, ...] = ()
    statements: tuple[Link, ...] = ()
    allegation: Allegation | None = None
    implicated: tuple[str, ...] = ()
    at_risk: tuple[str, ...] = ()
    alert: bool = False
    notes: tuple[str, ...] = field(default=())  # human-readable explanation lines

    @property
    def linked(self) -> bool:
        return bool(self.cases or self.units or self.statements)
