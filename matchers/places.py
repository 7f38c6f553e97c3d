"""Place signals: units described by base and force ("soldados con sede en Iguala"), case places.

A unit's `areas` alone are not enough ("the Iguala attack" names a town, not a battalion): the place
must come with force wording that says the troops are based or deployed there. Likewise a case's place
alone is every other story of the town; named with a noun that makes it the case ("the Bagua case", "la
masacre de Aguas Blancas", "the Rabaa killings") it is the case (`reference_pattern`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from monitor.domain.text import fold
from monitor.domain.watchlist import Case, Unit

from .aliases import phrase
from .vocabulary import based_words, case_nouns, case_nouns_after, case_nouns_of, unit_words_for

# "based in", "stationed at", "con sede en", "destacamentados en"...: lexicon/<lang>/places.yaml
_BASED = based_words()
# "case", "massacre", "killings", "caso", "matanza", "víctimas de"...: lexicon/<lang>/references.yaml
_CASE_NOUNS = case_nouns()
# "the Iguala attack", "la noche de Tlatelolco": nouns that name the case on one side of its place only.
_AFTER_NOUNS, _OF_NOUNS = case_nouns_after(), case_nouns_of()


@dataclass(frozen=True)
class AreaPattern:
    unit: str
    area: str
    regex: re.Pattern[str]


def area_patterns(unit: Unit) -> list[AreaPattern]:
    """Patterns for "<force> based in <area>" and "<area>-based <force>" for each area of the unit."""
    force = unit_words_for(unit.kind)
    found = []
    for area in unit.areas:
        place = phrase(area)
        regex = (rf"\b(?:{force})\b(?:\s+\w+){{0,3}}?\s+(?:{_BASED})\s+(?:la\s+|el\s+|the\s+)?{place}\b"
                 rf"|\b{place}[-\s]based\s+(?:\w+\s+)?(?:{force})\b")
        found.append(AreaPattern(unit.id, area, re.compile(regex)))
    return found


# The kind of a place, which reports leave out ("Kasese Municipality" is "Kasese"; "Rabaa al-Adawiya
# Square" is "Rabaa al-Adawiya"; "municipio de Chenalhó" is "Chenalhó"). "Ciudad" and "City" are not here:
# they are part of names ("Ciudad Juárez", "Mexico City").
_KIND_AFTER = re.compile(r"\s+(?:municipality|district|sub-?county|county|province|department|region|zone|"
                         r"square|parish|township|village|town)$", re.IGNORECASE)
_KIND_BEFORE = re.compile(r"^(?:municipio|distrito|departamento|provincia|regi[oó]n|zona|plaza|parroquia|"
                          r"aldea|vereda|corregimiento|comunidad|poblado|localidad)\s+(?:de(?:l)?\s+)?",
                          re.IGNORECASE)
# What is left of "Central Zone" or "North Region" names no place.
_NOT_A_NAME = {"central", "centre", "center", "north", "south", "east", "west", "northern", "southern",
               "eastern", "western", "norte", "sur", "este", "oeste", "centro", "oriente", "occidente", "upper",
               "lower", "alto", "bajo", "new", "old", "nuevo", "nueva", "viejo"}


def place_names(case: Case) -> list[str]:
    """The specific parts of a case's place ("San Pedro Limón, Tlatlaya, State of Mexico" -> the first
    two): the last part is a state or country, too broad to point at one case, and so is a region named by
    a direction ("Western Region"). Each part also without the word for its kind of place, as reports name it."""
    parts = [p.strip() for p in case.place.split(",") if p.strip()]
    specific = parts[:-1] if len(parts) > 1 else parts
    bare = {part: bare_name(part) for part in specific}
    return list(dict.fromkeys(n for part in specific if bare[part] for n in (part, bare[part])))


def bare_name(part: str) -> str:
    """`part` without the word for its kind of place; "" when what is left names nothing in particular."""
    bare = _KIND_BEFORE.sub("", _KIND_AFTER.sub("", part)).strip()
    if bare == part:
        return part
    return bare if len(bare) >= 3 and bare.casefold() not in _NOT_A_NAME else ""


def place_pattern(case: Case) -> re.Pattern[str] | None:
    names = place_names(case)
    if not names:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(phrase(n) for n in names) + r")(?!\w)")


def reference_pattern(case: Case, shared: frozenset[str] = frozenset()) -> re.Pattern[str] | None:
    """A case named as a case by its place or alias: a case noun before the name ("caso Bagua", "the
    massacre of Aguas Blancas", "víctimas de Acteal") or after it ("the Rabaa killings", "the Ayotzinapa
    case"). The name is one of the case's specific places (`place_names`) or an alias (`reference_names`).
    A name in `shared` (`shared_reference_names`: a name of another case too) names neither case."""
    names = [n for n in reference_names(case) if fold(n) not in shared]
    if not names:
        return None
    place = "|".join(phrase(n) for n in sorted(dict.fromkeys(names), key=len, reverse=True))
    return re.compile(rf"\b(?:{_CASE_NOUNS})\s+(?:(?:de|del|en|of|in|at|on)\s+)?(?:(?:la|el|los|las|the)\s+)?"
                      rf"(?:{place})(?!\w)|(?<!\w)(?:{place})(?:'s)?\s+(?:{_CASE_NOUNS}|{_AFTER_NOUNS})\b"
                      rf"|\b(?:{_OF_NOUNS})\s+(?:de|del|of)\s+(?:(?:la|el|the)\s+)?(?:{place})(?!\w)")


def reference_names(case: Case) -> list[str]:
    """The names by which a report may refer to `case` as "the X case": its specific places and its
    aliases. An alias alone may name something else too (the school the victims came from, the town);
    with a case noun ("the Ayotzinapa case", "caso Ayotzinapa") it names the case."""
    return [*place_names(case), *(a for a in case.aliases if a.strip())]


def shared_reference_names(cases: Sequence[Case]) -> frozenset[str]:
    """The (folded) reference names of more than one case: "the Ciudad Lerma killings" may be either."""
    counts = Counter(n for case in cases for n in {fold(name) for name in reference_names(case)})
    return frozenset(n for n, count in counts.items() if count > 1)
