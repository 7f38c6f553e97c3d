"""Place signals: units described by base and force ("soldados con sede en Iguala"), case places.

A unit's `areas` alone are not enough ("the Iguala attack" names a town, not a battalion): the place
must come with force wording that says the troops are based or deployed there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.domain.watchlist import Case, Unit

from .aliases import phrase
from .vocabulary import based_words, force_words_for

# "based in", "stationed at", "con sede en", "destacamentados en"...: lexicon/<lang>/places.yaml
_BASED = based_words()


@dataclass(frozen=True)
class AreaPattern:
    unit: str
    area: str
    regex: re.Pattern[str]


def area_patterns(unit: Unit) -> list[AreaPattern]:
    """Patterns for "<force> based in <area>" and "<area>-based <force>" for each area of the unit."""
    force = force_words_for(unit.kind)
    found = []
    for area in unit.areas:
        place = phrase(area)
        regex = (rf"\b(?:{force})\b(?:\s+\w+){{0,3}}?\s+(?:{_BASED})\s+(?:la\s+|el\s+|the\s+)?{place}\b"
                 rf"|\b{place}[-\s]based\s+(?:\w+\s+)?(?:{force})\b")
        found.append(AreaPattern(unit.id, area, re.compile(regex)))
    return found


def place_names(case: Case) -> list[str]:
    """The specific parts of a case's place ("San Pedro Limón, Tlatlaya, State of Mexico" -> the first
    two): the last part is a state or country, too broad to point at one case."""
    parts = [p.strip() for p in case.place.split(",") if p.strip()]
    return parts[:-1] if len(parts) > 1 else parts


def place_pattern(case: Case) -> re.Pattern[str] | None:
    names = place_names(case)
    if not names:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(phrase(n) for n in names) + r")(?!\w)")
