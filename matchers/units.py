"""Unit linking: which units an item touches (named, by place and force, through a case) and which it
implicates (accuses), as opposed to naming them as the arresting force, a victim or a bystander.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from monitor.domain.assessment import Evidence, Signal
from monitor.domain.text import fold
from monitor.domain.watchlist import Watchlist

from .aliases import AliasHit
from .allegation import SentenceFinding
from .passages import Passage
from .places import AreaPattern, area_patterns

_ARREST = re.compile(r"^\W*(?:\w+\s+){0,3}?(?:arrested|detained|captured|apprehended|caught|arrest|"
                     r"detuvo|detuvieron|capturo|capturaron|aprehendio|aprehendieron|arresto|arrestaron)\b")
_ACCUSATION = re.compile(r"\b(?:accused of|charged with|suspected of|wanted (?:for|in)|for allegedly|"
                         r"acusad[oa]s? de|senalad[oa]s? (?:de|como)|presunt[oa]s? responsables?|"
                         r"por su (?:presunta )?participacion|prosecutors accuse|accuse[sd]? (?:him|her|them))\b")
_VICTIM_AFTER = re.compile(r"^\W*(?:were|was|had been|fueron|resultaron)?\s*(?:killed|wounded|injured|"
                           r"ambushed|attacked|asesinad[oa]s|muert[oa]s|herid[oa]s|emboscad[oa]s|atacad[oa]s)\b")
_VICTIM_BEFORE = re.compile(r"\b(?:ambush|attack|emboscada|ataque|agresion)\s+(?:on|against|contra|a)\s+"
                            r"(?:the\s+|la\s+|el\s+|los\s+)?(?:\w+\s+){0,3}$")


@dataclass(frozen=True)
class UnitMention:
    """A unit touched in one passage, by name or by place and force."""

    unit: str
    via: str  # "named" or "area"
    passage: Passage
    matched: str
    start: int
    end: int


class AreaIndex:
    """Every unit's "<force> based in <area>" patterns."""

    def __init__(self, watchlist: Watchlist) -> None:
        self.patterns: tuple[AreaPattern, ...] = tuple(p for u in watchlist.units for p in area_patterns(u))

    def find(self, passage: Passage) -> list[UnitMention]:
        folded = fold(passage.text)
        return [UnitMention(p.unit, "area", passage, m.group(0), m.start(), m.end())
                for p in self.patterns for m in p.regex.finditer(folded)]


def named_mentions(passage: Passage, hits: Sequence[AliasHit]) -> list[UnitMention]:
    return [UnitMention(h.id, "named", passage, h.matched, h.start, h.end) for h in hits if h.target == "unit"]


def accused(mention: UnitMention, finding: SentenceFinding | None) -> bool:
    """Does this sentence accuse the mentioned unit? It must report a violation (not deny one), and the
    unit must not be the arresting force of someone accused, nor the victim."""
    if finding is None or finding.denial:
        return False
    folded = fold(mention.passage.text)
    before, after = folded[: mention.start], folded[mention.end:]
    if _VICTIM_AFTER.search(after) or _VICTIM_BEFORE.search(before):
        return False
    arresting = _ARREST.search(after) is not None
    return not (arresting and _ACCUSATION.search(after))


def unit_evidence(mention: UnitMention) -> Evidence:
    signal: Signal = "alias" if mention.via == "named" else "place"
    return Evidence(signal, mention.passage.text, mention.matched, 1.0 if mention.via == "named" else 0.6,
                    mention.passage.page)
