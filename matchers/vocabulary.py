"""Word lists shared by the signals: security-force wording in English and Spanish.

Kept in one place so the area rule, the allegation detector and the implication logic agree on
what counts as "soldiers" or "police".
"""

from __future__ import annotations

import re

# Folded, regex alternations; plural and feminine forms included where Spanish inflects.
MILITARY = (
    r"soldiers?|troops?|army|military|militar(?:y|es)|armed forces|servicemen|marines?|navy|naval|"
    r"sailors?|guardsmen|national guard|soldad(?:o|a|os|as)|tropas?|ejercito|castrense(?:s)?|"
    r"elementos(?: castrenses| militares)?|marinos?|marina|guardia nacional|fuerzas armadas|"
    r"sedena|semar"
)
POLICE = (
    r"police(?: officers?|men|women)?|policemen|policewomen|officers?|cops?|(?:federal|police|security) agents?|"
    r"polic(?:ia|ias)|agentes?|uniformados?|patrulleros?|gendarmes?|elementos policiacos|"
    r"elementos de (?:la )?policia"
)
FORCE = rf"{MILITARY}|{POLICE}|security forces?|fuerzas de seguridad|fuerzas federales|federal forces"

MILITARY_KINDS = ("battalion", "zone", "brigade", "regiment", "division", "army", "military", "navy",
                  "marine", "squadron", "company", "corps", "region", "guard")

_FORCE = re.compile(rf"\b(?:{FORCE})\b")


def mentions_force(folded: str) -> bool:
    """True when folded text names security forces (soldiers, police, militares, policías...)."""
    return _FORCE.search(folded) is not None


def force_words_for(kind: str) -> str:
    """The force wording that can describe a unit of this kind: soldiers for a battalion, police for police."""
    kind = kind.casefold()
    return MILITARY if any(k in kind for k in MILITARY_KINDS) else POLICE
