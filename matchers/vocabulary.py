"""Security-force and base wording for the place signal, built from the lexicon (`lexicon/*/forces.yaml`).

The area rule ("soldiers based in Iguala") runs regexes on folded text, so here the lexicon's force terms
become plain alternations with optional plurals; the allegation detector reads the same entries through
lemmas (`allegation.py`).
"""

from __future__ import annotations

from monitor.domain.text import fold

from .aliases import phrase
from .lexicon import read_data, vocabulary

_FORCES = vocabulary("forces")
_UNIT_NAMES = read_data("unit_names.yaml")


def _alternation(name: str, vocabulary_name: str = "forces", plurals: bool = True, personnel: bool = False) -> str:
    """The entry's plain terms as one regex alternation; `personnel`: without its `institutions` ("army",
    "policía"), which name the whole force rather than troops or officers somewhere."""
    entries = [e for e in vocabulary(vocabulary_name).entries if e.name == name]
    left_out = {fold(t) for e in entries for t in e.flags.get("institutions", ())} if personnel else set()
    terms = [t for e in entries for t in e.flags.get("terms_plain", ()) if fold(t) not in left_out]
    return "|".join(dict.fromkeys(phrase(t, plurals=plurals) for t in sorted(terms, key=len, reverse=True)))


MILITARY = _alternation("military")
POLICE = _alternation("police")
FORCE = "|".join((MILITARY, POLICE, _alternation("security forces")))
# troops or officers, as opposed to the institution: "soldiers", "militares", "efectivos", "uniformados"
_GENERIC_PERSONNEL = r"efectivos|uniformados|elementos"
MILITARY_PERSONNEL = "|".join((_alternation("military", personnel=True), _GENERIC_PERSONNEL))
POLICE_PERSONNEL = "|".join((_alternation("police", personnel=True), _GENERIC_PERSONNEL))
MILITARY_KINDS = tuple(k for e in _FORCES.entries if e.name == "military" for k in e.flags.get("unit_kinds", ()))


def based_words() -> str:
    """The wording that places a force at a base ("based in", "con sede en"), as one alternation."""
    return _alternation("based", "places", plurals=False)


def case_nouns() -> str:
    """The nouns that name a case by its place ("the Bagua case", "la masacre de Aguas Blancas"), as one alternation."""
    return _alternation("case", "references")


def case_nouns_after() -> str:
    """The nouns that name a case only after its place ("the Tlatlaya shooting"; "a shooting in Tlatlaya" is
    a new event), as one alternation."""
    return _alternation("after", "references")


def case_nouns_of() -> str:
    """The nouns that name a case before its place only with "of" or "de" ("la noche de Tlatelolco", "el
    ataque de Iguala"; "un ataque en Iguala" is a new event), as one alternation."""
    return _alternation("of", "references")


def unit_force(kind: str) -> str:
    """"military" or "police": the force a unit of this watchlist `kind` belongs to ("police division" is
    police although "division" is also a military word)."""
    kind = kind.casefold()
    if "polic" in kind:
        return "police"
    return "military" if any(k in kind for k in MILITARY_KINDS) else "police"


def force_words_for(kind: str) -> str:
    """The force wording that can describe a unit of this kind: soldiers for a battalion, police for police."""
    return MILITARY if unit_force(kind) == "military" else POLICE


def own_nouns(kind: str) -> tuple[str, ...]:
    """The specific nouns, folded, English and Spanish, that a unit of this kind is called by ("battalion",
    "batallon"). A zone or a region is also a stretch of land, a company also a firm: those nouns are not
    specific (`unit_names.yaml`)."""
    specific = set(_UNIT_NAMES["specific_nouns"])
    nouns = [w for w in fold(kind).split() if w in specific]
    return tuple(dict.fromkeys([*nouns, *(_UNIT_NAMES["nouns"][w] for w in nouns if w in _UNIT_NAMES["nouns"])]))


def personnel_words_for(kind: str) -> str:
    """The wording for troops or officers of a unit of this kind ("soldados", "agentes"): what places a unit
    in a town it is based in ("soldiers in Ciudad Juárez detained him") without base wording. Not the
    institution ("the army", "la policía"), nor the unit's bare noun ("the battalion held a parade in Iguala":
    any battalion may visit a town)."""
    return MILITARY_PERSONNEL if unit_force(kind) == "military" else POLICE_PERSONNEL


def unit_words_for(kind: str) -> str:
    """The wording that can describe a unit of this kind at its base: its force's words and its own noun
    ("the battalion based in Iguala", "el batallón con sede en Iguala")."""
    return "|".join([force_words_for(kind), *(phrase(n, plurals=True) for n in own_nouns(kind))])
