"""A small bilingual (EN/ES) lexicon of the concepts talking points are made of.

The dense model reads English only, so a Spanish story about "militares" and a statement about "the
Army" share no words and no vectors. Both sides are mapped to concepts here ("military",
"training", "confrontation"...) and compared as concepts. Entries are domain vocabulary (forces,
training, use of force, jurisdiction, kinds of abuse), not phrases of any one story. Patterns run
on `fold`ed text (no case, no accents).

`COUNTERS` lists the concepts that contradict a claim: a story that finds extrajudicial executions
bears on "the deaths happened in an armed confrontation" without using its words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_LEXICON: dict[str, str] = {
    "military": (
        r"army|armies|military|soldiers?|troops?|armed forces|servicemen|militar(?:es)?|soldad(?:o|a|os|as)|"
        r"tropas?|ejercitos?|fuerzas armadas|castrenses?|sedena|defense ministry|secretaria de la defensa"
    ),
    "navy": r"navy|naval|marines?|sailors|marina|marinos|semar|infantes de marina",
    "training": (
        r"trained|training|trainers?|trainees?|entrena(?:miento|mientos|dos?|das?|ron|r)|"
        r"capacita(?:cion|ciones|dos?|das?|ron|r)|adiestra(?:miento|mientos|dos?|das?|ron|r)"
    ),
    "us support": (
        r"u\.?s\.?[- ]?(?:funded|supplied|backed|assistance|aid|support|security assistance)|"
        r"(?:american|united states|us) (?:aid|assistance|support|funding)|merida initiative|iniciativa merida|"
        r"(?:ayuda|asistencia|apoyo|financiamiento) (?:de |del gobierno de )?(?:estados unidos|estadounidense)|"
        r"leahy"
    ),
    "confrontation": (
        r"(?:armed )?confrontations?|firefights?|fire ?fights?|shoot-?outs?|gun ?battles?|gunfights?|"
        r"exchanges? of (?:gun)?fire|crossfire|clash(?:es|ed)?|enfrentamientos?|enfrentaron|"
        r"balaceras?|tiroteos?|intercambio de disparos|fuego cruzado|repeler? (?:una |la )?agresion|"
        r"repelieron"
    ),
    "self-defence": r"self-?defen[cs]e|legitima defensa|defensa propia|fired back|returned fire",
    "unlawful killing": (
        r"extra-?judicial(?:ly)?(?: \w+)?|ejecuci(?:on|ones) (?:extrajudicial(?:es)?|sumarias?|arbitrarias?)|"
        r"summar(?:y|ily) execut\w*|arbitrar(?:y|ily) (?:deprivation of life|deprived of (?:their )?lives?|killings?)|"
        r"unlawful(?:ly)? kill\w*|priva(?:d[oa]s?|cion|ron|r) (?:arbitrariamente )?de (?:la|su|sus) vidas?"
        r"(?: de (?:manera|forma) arbitraria| arbitrariamente)|privacion arbitraria de la vida|"
        r"ejecutad[oa]s? extrajudicialmente"
    ),
    "execution": (
        r"execut(?:ed|ions?|ing)|shot (?:dead )?after (?:they )?(?:had )?(?:surrender\w*|given up)|"
        r"ejecuci(?:on|ones)|ejecutad[oa]s?|ejecutaron|rematad[oa]s?|tiro de gracia"
    ),
    "surrender": r"surrender\w*|gave up|given up|hands (?:up|raised)|rendid[oa]s?|se (?:habian )?rendido|manos en alto",
    "military court": (
        r"military (?:courts?|tribunals?|justice|jurisdiction|judges?|prosecutors?)|courts?-martial|court martial|"
        r"fuero militar|tribunal(?:es)? militar(?:es)?|justicia militar|jurisdiccion militar|"
        r"juez(?:es)? militar(?:es)?|juzgados? militar(?:es)?|consejo de guerra"
    ),
    "support request": (
        r"requests? for (?:support|assistance|help|backup)|(?:asked|requested|called) (?:for (?:support|help|"
        r"backup)|to (?:respond|intervene|help|assist))|solicitud(?:es)? de (?:apoyo|auxilio|ayuda)|"
        r"(?:pidio|pidieron|solicito|solicitaron|requirio|requirieron) (?:el |su )?(?:apoyo|auxilio|ayuda)"
    ),
    "torture": r"tortur\w*|ill-?treat\w*|malos tratos|tratos crueles",
    "disappearance": r"disappear\w*|desapareci\w*|desaparecid[oa]s?|missing|paradero",
    "scene tampering": (
        r"(?:altered|tampered|manipulated|staged) (?:the |a )?(?:crime )?scenes?|planted (?:weapons|guns|evidence)|"
        r"alter(?:o|aron|acion de) (?:la |las )?escenas?|escenas? (?:fue|fueron) alterad[ao]s?|"
        r"armas sembradas|sembraron armas"
    ),
    "incineration": (
        r"incinerat\w*|burn(?:ed|t) (?:the )?(?:bodies|remains)|garbage dump|landfill|"
        r"incinerad[oa]s|calcinad[oa]s|quemad[oa]s|basurero"
    ),
    "vetting": r"vett(?:ed|ing)|human rights (?:screening|checks?)|certified|certification|certificacion",
}
COUNTERS: dict[str, tuple[str, ...]] = {
    "confrontation": ("unlawful killing", "execution", "surrender"),
    "self-defence": ("unlawful killing", "execution", "surrender"),
}
_PATTERNS = {name: re.compile(rf"(?<!\w)(?:{terms})(?!\w)") for name, terms in _LEXICON.items()}


def concepts(folded: str) -> set[str]:
    """The concepts a folded text speaks of."""
    return {name for name, regex in _PATTERNS.items() if regex.search(folded)}


def concept_terms(folded: str, wanted: Iterable[str]) -> list[tuple[str, str]]:
    """(concept, matched words) for each wanted concept found in a folded text."""
    found = ((name, _PATTERNS[name].search(folded)) for name in wanted)
    return [(name, match.group(0)) for name, match in found if match is not None]


def counters(claim: Iterable[str]) -> set[str]:
    """The concepts that would contradict a claim made of these concepts."""
    return {c for concept in claim for c in COUNTERS.get(concept, ())}
