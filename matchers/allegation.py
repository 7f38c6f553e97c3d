"""Allegation detection: does a sentence report abuse by security forces, and of which kind?

Term lists in English and Spanish find the violation; sentence-level logic then discards what is not
an allegation: official denials and positions ("found no evidence that the army took part", "la
institución respeta los derechos humanos"), security forces named only as victims ("two soldiers were
killed in an ambush"), killings framed as a firefight with no sign of abuse, and crimes with no
security force as actor (cartel violence). Some terms are state abuse by definition ("enforced
disappearance", "extrajudicial execution") and need no named actor.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from monitor.domain.assessment import Allegation, Evidence
from monitor.domain.text import fold

from .passages import Passage
from .vocabulary import FORCE

_W = r"(?:\w+\s+){0,4}?"  # up to four words in between
VIOLATIONS: dict[str, str] = {
    "killing": (
        r"extra-?judicial(?:ly)?|summar(?:y|ily) execut\w*|execut(?:ed|ions?|ing)|massacres?|"
        r"killings?|killed|kill(?:s|ing)? (?:him|her|them|civilians?|people|students?)|murder(?:ed|s)?|"
        r"shot (?:dead|and killed|them|him|her|after)|gunned down|slain|"
        r"ejecuci(?:on|ones)|ejecutad[oa]s?|ejecutaron|ejecutar|masacres?|matanzas?|mataron|matar(?:on)?|"
        r"asesin(?:aron|ados?|adas?|ato|atos|ar)|privad[oa]s? de la vida|privar(?:on)? de la vida|"
        r"priv(?:o|aron) de la vida|homicidios?"
    ),
    "disappearance": (
        r"(?:enforced|forced|involuntary) disappearances?|disappeared|went missing|missing (?:students?|"
        r"people|persons|men|women|youths?)|remain missing|whereabouts (?:are |remain )?unknown|"
        rf"hand(?:ed|ing)? {_W}(?:over )?to (?:a |the )?(?:gang|cartel|criminal)|"
        rf"deliver(?:ed|ing)? {_W}to (?:a |the )?(?:gang|cartel|criminal)|"
        r"desaparici(?:on|ones) forzadas?|desaparecid[oa]s?|desaparecieron|desaparecer|"
        r"paradero desconocido|entregad[oa]s? a (?:un |una |el |la )?(?:grupo|cartel|banda|delincuen)|"
        rf"entregaron {_W}a (?:un |una |el |la )?(?:grupo|cartel|banda|delincuen)"
    ),
    "torture": (
        r"tortur\w*|ill-?treat\w*|mistreat\w*|beaten|beat (?:him|her|them|up)|beatings?|"
        r"electric shocks?|electrocut\w*|waterboard\w*|asphyxiat\w*|suffocat\w*|"
        r"golpe(?:s|ad[oa]s?|aron|arlos|arlo)|descargas? electricas?|toques electricos|asfixi\w*|"
        r"bolsas? de plastico|malos tratos|tratos crueles|maltrat\w*"
    ),
    "sexual violence": (
        r"rap(?:e|ed|es|ing)|sexual(?:ly)? (?:abuse[ds]?|assault(?:ed|s)?|violence|torture)|"
        r"violaci(?:on|ones) (?:sexual|tumultuaria)|violad[oa]s|violaron a|abusos? sexual(?:es)?|"
        r"violencia sexual|agresi(?:on|ones) sexual(?:es)?|tortura sexual"
    ),
    "arbitrary detention": (
        r"arbitrar(?:y|ily) (?:detention|arrests?|detained|arrested)|illegal(?:ly)? (?:detention|detained)|"
        r"held incommunicado|incommunicado|without (?:a )?warrant|"
        r"detenci(?:on|ones) arbitrarias?|detenid[oa]s? arbitrariamente|incomunicad[oa]s?|"
        r"detenci(?:on|ones) ilegal(?:es)?|sin orden de (?:aprehension|cateo)|arraigo"
    ),
    "scene tampering": (
        r"(?:altered|tampered with|manipulated|staged) (?:the |one of the |a )?(?:crime )?scenes?|"
        r"scenes? (?:was|were|had been) (?:altered|tampered|manipulated|staged)|"
        rf"(?:planted|placed|put) {_W}(?:weapons|guns|rifles|arms|evidence)|"
        r"moved (?:the )?bodies|fabricated evidence|cover(?:ed)?[- ]up|"
        r"alteraci(?:on|ones) de (?:la |las )?escenas?|alteraron (?:la |una de las |las )?escenas?|"
        r"escenas? (?:fue|fueron) (?:alterada|manipulada|modificada)s?|"
        r"sembr(?:aron|ado|ada|adas|ados)(?: \w+)? armas|armas sembradas|movieron (?:los )?cuerpos|"
        r"fabricaron pruebas|manipul(?:aron|acion de) (?:la escena|pruebas|evidencias)"
    ),
    "attack on civilians": (
        r"opened fire on|fired on|shot at|attack(?:ed|s)? (?:on |against )?(?:the )?"
        r"(?:students?|civilians?|protesters|demonstrators|buses|unarmed|families|residents)|"
        r"assault(?:ed)? (?:on )?(?:the )?(?:students?|civilians?|protesters)|"
        r"dispar(?:aron|ar|o) (?:contra|a)|abrieron fuego|atac(?:aron|ar|o) (?:a )?(?:los |las )?"
        r"(?:estudiantes|normalistas|civiles|manifestantes|autobuses|pobladores)|"
        r"agresi(?:on|ones) (?:contra|a) (?:los |las )?(?:estudiantes|normalistas|civiles|manifestantes)|"
        r"ataques? (?:contra|a) (?:los |las )?(?:estudiantes|normalistas|civiles|manifestantes)|"
        r"the attack|el ataque|la agresion"
    ),
}
_VIOLATION = {kind: re.compile(rf"\b(?:{terms})\b") for kind, terms in VIOLATIONS.items()}
_ANY_VIOLATION = re.compile(r"\b(?:" + "|".join(VIOLATIONS.values()) + r")\b")  # most sentences have none

# State abuse by definition: the sentence needs no named security force.
_INTRINSIC = re.compile(
    r"\b(?:extra-?judicial\w*|enforced disappearances?|forced disappearances?|desaparicion(?:es)? forzadas?|"
    r"ejecuci(?:on|ones) extrajudicial(?:es)?|arbitrar\w+ (?:detention|detained)|detencion(?:es)? arbitrarias?)\b"
)
# Official denials and positions: the sentence restates the institution's side, it accuses no one.
_DENIAL = re.compile(
    r"\b(?:no evidence|found no|denied|denies|deny|dismissed (?:the )?(?:allegations|claims|reports)|"
    r"rejected (?:the )?(?:allegations|accusations|claims)|"
    r"(?:was|were|had) not (?:involved|present|asked|requested)|did not take part|took no part|had no role|"
    r"respects? (?:for )?human rights|no (?:hay|existen|encontro|encontraron) (?:pruebas|evidencias?|indicios)|"
    r"sin pruebas|nego|negaron|niega|niegan|descart(?:o|aron|a)|rechaz(?:o|aron|a) (?:las )?(?:acusaciones|"
    r"senalamientos)|no particip(?:o|aron)|respeta (?:los|irrestrictamente los) derechos humanos)\b"
)
# Security forces as victims, not actors: "two soldiers were killed", "emboscada contra militares".
_VICTIM = re.compile(
    rf"\b(?:(?:\w+\s+){{0,2}}(?:{FORCE}))\s+(?:were|was|have been|had been|fueron|resultaron|murieron)?\s*"
    r"(?:killed|wounded|injured|ambushed|attacked|murdered|asesinad[oa]s|muert[oa]s|herid[oa]s|emboscad[oa]s)\b"
    rf"|\b(?:ambush|attack|emboscada|ataque|agresion)\s+(?:on|against|contra|a)\s+(?:\w+\s+){{0,2}}(?:{FORCE})\b"
)
# A killing explained as a firefight, with nothing that says the dead were defenceless.
_FIREFIGHT = re.compile(r"\b(?:firefights?|shoot-?outs?|clash(?:es)?|gun ?battles?|enfrentamientos?|"
                        r"balaceras?|abatid[oa]s|abatieron)\b")
_DEFENCELESS = re.compile(r"\b(?:unarmed|surrender\w*|given up|hands (?:up|raised)|execut\w*|civilians?|"
                          r"desarmad[oa]s|rendid[oa]s|se habian rendido|manos en alto|ejecut\w*|civiles)\b")
_CRIMINAL_ACTOR = re.compile(r"\b(?:gunmen|gang members|cartel|hitmen|criminal groups?|sicarios|"
                             r"hombres armados|grupo criminal|delincuentes|narcos?)\b")
_FORCE_RE = re.compile(rf"\b(?:{FORCE})\b")


@dataclass(frozen=True)
class SentenceFinding:
    """Violation kinds found in one passage, and whether the passage accuses security forces."""

    passage: Passage
    kinds: tuple[str, ...]
    terms: tuple[str, ...]
    denial: bool
    accuses_force: bool  # a security force is the actor (named in the sentence, not as victim)
    intrinsic: bool  # a term that is state abuse by definition
    matched: tuple[tuple[str, str], ...] = ()  # (kind, words) per violation term, for evidence


def is_denial(folded: str) -> bool:
    """The folded sentence states an official denial or position ("was not involved", "no hay pruebas")."""
    return _DENIAL.search(folded) is not None


def violation_terms(folded: str) -> list[tuple[str, str]]:
    """(kind, matched words) for every violation term in folded text."""
    if not _ANY_VIOLATION.search(folded):
        return []
    return [(kind, m.group(0)) for kind, regex in _VIOLATION.items() for m in regex.finditer(folded)]


def examine(passage: Passage) -> SentenceFinding | None:
    """The violation terms of one passage with the context that decides whether they accuse anyone."""
    folded = fold(passage.text)
    found = violation_terms(folded)
    if not found:
        return None
    kinds = tuple(dict.fromkeys(k for k, _ in found))
    terms = tuple(dict.fromkeys(t for _, t in found))
    if kinds == ("killing",) and _FIREFIGHT.search(folded) and not _DEFENCELESS.search(folded):
        return None
    actors = _VICTIM.sub(" ", folded)
    accuses = _FORCE_RE.search(actors) is not None
    if accuses and _CRIMINAL_ACTOR.search(folded) and not _FORCE_RE.search(_CRIMINAL_ACTOR.split(folded)[0]):
        # "Gunmen killed nine, police said": the criminal group acts first, the force only reports.
        accuses = False
    return SentenceFinding(passage, kinds, terms, is_denial(folded), accuses,
                           _INTRINSIC.search(folded) is not None, tuple(dict.fromkeys(found)))


def findings(passages: Sequence[Passage]) -> list[SentenceFinding]:
    return [f for f in map(examine, passages) if f is not None]


def allegation(found: Sequence[SentenceFinding], about_case: bool,
               naming: Collection[Passage] = ()) -> Allegation | None:
    """The item's allegation, or None. `about_case`: it is linked to a tracked case, whose units are the
    security forces the violation terms refer to even when a sentence does not name them. `naming`: the
    passages that name an implicated unit or a linked case; their findings are the best evidence."""
    accusing = [f for f in found if not f.denial and (f.accuses_force or f.intrinsic or about_case)]
    if not accusing:
        return None
    kinds = tuple(dict.fromkeys(k for f in accusing for k in f.kinds))
    return Allegation(kinds, evidence(accusing, naming))


def evidence(accusing: Sequence[SentenceFinding], naming: Collection[Passage]) -> tuple[Evidence, ...]:
    """The passages reporting the violation, best first: one that also names who (the implicated unit,
    the case) beats one that names a force, which beats one whose actor only the linked case supplies.
    A generic report title ("Annual report 2015") never outranks the page that says what happened."""
    scored = sorted(enumerate(accusing), key=lambda pair: (-_strength(pair[1], naming), pair[0]))
    return tuple(Evidence("allegation", f.passage.text, _detail(f), _strength(f, naming), f.passage.page)
                 for _, f in scored)


def _strength(finding: SentenceFinding, naming: Collection[Passage]) -> float:
    names = finding.passage in naming
    actor = finding.accuses_force or finding.intrinsic
    return round(0.5 + 0.3 * names + 0.15 * actor + 0.05 * (len(finding.kinds) > 1), 2)


def _detail(finding: SentenceFinding) -> str:
    """"killing: executed; scene tampering: placed rifles" """
    return "; ".join(f"{kind}: {words}" for kind, words in finding.matched) or ", ".join(finding.terms)
