"""Unit linking: which units an item touches (named, by place and force, through a case) and which it
implicates (accuses), as opposed to naming them as the arresting force, a victim or a bystander.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from monitor.domain.assessment import Evidence, Signal
from monitor.domain.text import fold
from monitor.domain.watchlist import Unit, Watchlist

from .aliases import AliasHit, phrase
from .allegation import CUES, ROLES, SentenceFinding, actor_hits, suffers, touched_role
from .lexicon import WORD, render
from .passages import Passage
from .places import AreaPattern, area_patterns
from .vocabulary import own_nouns, personnel_words_for

COMMAND_REACH = 5  # words before a unit's name read for its commander ("quien como coronel encabezaba el")
PERPETRATOR_REACH = 8  # the same for the acts' author ("cometidos principalmente por agentes de la entonces")


@dataclass(frozen=True)
class UnitMention:
    """A unit touched in one passage, by name or by place and force."""

    unit: str
    via: str  # "named" or "area"
    passage: Passage
    matched: str
    start: int
    end: int


# how close troops must be named before the place for "soldiers in Ciudad Juárez" to place them there
NEAR_WORDS = 3
_NEAR = r"(?:in|at|near|around|outside|from|en|cerca\s+de|de|del|desde)"


class AreaIndex:
    """Every unit's "<force> based in <area>" patterns, and "<troops> in <area>" (`near_patterns`)."""

    def __init__(self, watchlist: Watchlist) -> None:
        self.patterns: tuple[AreaPattern, ...] = tuple(
            p for u in watchlist.units for p in (*area_patterns(u), *near_patterns(u), *noun_patterns(u)))

    def find(self, passage: Passage) -> list[UnitMention]:
        folded = fold(passage.text)
        found = [UnitMention(p.unit, "area", passage, m.group(0), m.start(), m.end())
                 for p in self.patterns for m in p.regex.finditer(folded)]
        return [m for m in found if not armed_group_named(m.matched)]


def near_patterns(unit: Unit) -> list[AreaPattern]:
    """"Soldados que patrullaban en Ciudad Juárez", "picked up by soldiers in Ciudad Juárez": troops or officers
    of the unit's kind a few words before the town it is based in place the unit there without base wording.
    A relative clause may come between ("the soldiers, who served in Iguala"). Not the institution ("the Army
    had no role in Iguala"), nor the unit's bare noun ("the battalion held a
    parade in Iguala": `vocabulary.personnel_words_for`), nor after the place ("Iguala: soldiers ...")."""
    words = personnel_words_for(unit.kind)
    return [AreaPattern(unit.id, area, re.compile(
        rf"\b(?:{words})\b(?:,\s+(?:who|que|quienes))?(?:\s+\w+){{0,{NEAR_WORDS}}}?\s+{_NEAR}\s+(?:la\s+|el\s+|the\s+)?{phrase(area)}\b"))
        for area in unit.areas]


def noun_patterns(unit: Unit) -> list[AreaPattern]:
    """"El batallón de Iguala", "the Iguala battalion": the unit's own specific noun (`vocabulary.own_nouns`)
    with the town it is based in names it by its place. Not a zone or a company ("la zona de Iguala" is a
    stretch of land), nor the noun merely in the town ("the battalion held a parade in Iguala")."""
    nouns = "|".join(phrase(n, plurals=True) for n in own_nouns(unit.kind))
    if not nouns:
        return []
    return [AreaPattern(unit.id, area, re.compile(
        rf"\b(?:{nouns})\s+(?:de|of)\s+(?:la\s+|el\s+)?{phrase(area)}\b|\b{phrase(area)}\s+(?:{nouns})\b"))
        for area in unit.areas]


def armed_group_named(text: str) -> bool:
    """Is the force word of a match part of an armed group's name ("Ejército de Liberación Nacional",
    "policía comunitaria", `roles.yaml` armed group name)? Those are not the state's forces."""
    return bool(ROLES.find(render(text), ("armed group name",)))


def named_mentions(passage: Passage, hits: Sequence[AliasHit]) -> list[UnitMention]:
    # what the unit does is read after the whole list or coordination it is named in ("federal and state police fired")
    return [UnitMention(h.id, "named", passage, h.matched, h.start, max(h.end, h.through))
            for h in hits if h.target == "unit" and not _in_armed_group_name(passage, h)]


GROUP_REACH = 40  # characters either side of a bare institution read for an armed group's name


def _in_armed_group_name(passage: Passage, hit: AliasHit) -> bool:
    """Is a bare institution (`aliases.institution_patterns`: "guardia nacional", "fuerza aérea") part of an
    armed group's name (`roles.yaml`, as "Ejército de Liberación Nacional" holds "ejército")? A watchlist's
    own alias is taken as written."""
    if not hit.bare:
        return False
    folded = fold(passage.text)
    return armed_group_named(folded[max(0, hit.start - GROUP_REACH): hit.end + GROUP_REACH])


# what makes a unit's bare noun a reference to one named before: "the battalion", "el batallón", "del batallón"
_DETERMINERS = r"(?:the|this|that|its|el|del|al|ese|este|dicho|su)"


def back_references(found: Sequence[Passage], mentions: Sequence[UnitMention],
                    nouns: dict[str, tuple[str, ...]]) -> list[UnitMention]:
    """A bare "the battalion" / "el batallón" after a unit was named ("El batallón envió patrullas cuando las
    agresiones habían concluido"): that unit, when it is the only one named before it with that noun (`nouns`:
    each unit's own specific nouns, `vocabulary.own_nouns`). Not "the battalion 27" (a number names a unit of
    its own) and never when two named units share the noun."""
    order = {p: i for i, p in enumerate(found)}
    named = sorted((m for m in mentions if m.via == "named"), key=lambda m: (order[m.passage], m.start))
    wanted = {n for units in nouns.values() for n in units}
    if not named or not wanted:
        return []
    alternation = "|".join(sorted(map(re.escape, wanted)))
    regex = re.compile(rf"\b{_DETERMINERS}\s+({alternation})\b(?!\s*(?:\d|no\.|n\.|number))")
    out = []
    for passage in found[order[named[0].passage]:]:
        for match in regex.finditer(fold(passage.text)):
            before = {m.unit for m in named if (order[m.passage], m.end) < (order[passage], match.start())}
            units = [u for u in before if match.group(1) in nouns.get(u, ())]
            if len(units) == 1:
                out.append(UnitMention(units[0], "named", passage, match.group(0), match.start(1), match.end()))
    return out


def accused(mention: UnitMention, finding: SentenceFinding | None, force: str) -> bool:
    """Does this sentence accuse the mentioned unit? It must report a violation (an official denial
    implicates nobody), and the unit must not be its victim, nor the force that arrests someone accused,
    investigates, rescues, guards or reports (`lexicon/*/roles.yaml`), nor, when the sentence names
    forces of another kind as the ones who act, a unit named apart from them (`other_force_acts`;
    `force`: the unit's force, "military" or "police"). A unit accused of complicity or omission
    ("watched the attack without intervening") is implicated."""
    if finding is None or finding.denial:
        return False
    if other_force_acts(mention, finding, force):
        return False
    return acting(mention)


ACTOR_REACH = 4  # words between a unit's name and another force named with it as one actor ("the battalion and police")


def other_force_acts(mention: UnitMention, finding: SentenceFinding, force: str) -> bool:
    """Does the sentence name as its actors forces of another kind than the unit's, none of them in or beside
    the unit's name? "Estudiantes lanzaron cohetones contra el 27 Batallón en el aniversario de la desaparición
    de 43 compañeros, detenidos por policías de Iguala": the police act, the battalion is only where it
    happened. Not "the 27th Battalion and municipal police detained them" (one actor), nor when the actor is
    the "security forces" (of any kind)."""
    if not finding.actors:
        return False
    rendered = render(mention.passage.text)
    first, last = _word_span(mention)
    others = []
    for hit in actor_hits(rendered):
        tokens = rendered.folded if hit.language == "re" else rendered.tokens[hit.language]
        start, end = len(tokens[: hit.start].split()), len(tokens[: hit.end].split())
        if start < last and first < end:
            continue  # "the 27th Infantry Battalion": the unit's own name
        beside = start - last <= ACTOR_REACH and first - end <= ACTOR_REACH
        if beside or hit.entry.name in (force, "security forces"):
            return False
        others.append(hit)
    return bool(others)


def accused_nearby(mention: UnitMention, force: str, nearby: Sequence[SentenceFinding]) -> bool:
    """A unit named in a sentence that reports no violation, beside one that accuses its kind of force
    ("Eight soldiers are on trial for the enforced disappearance. They served in the 27th Battalion"): the
    accusation reaches it unless its own sentence makes it the victim or the one who arrests, rescues or
    reports. `force`: the unit's force ("military", "police"); the neighbour must name that force (or
    "security forces") as the actor: a state-abuse term with no actor ("experts documented the enforced
    disappearance") says nothing of which force a nearby name belongs to."""
    commander, perpetrator = commanded(mention), perpetrated(mention)
    if not any(_reaches(f, force, commander) or (perpetrator and _open(f)) for f in nearby):
        return False
    return acting(mention)


def _open(finding: SentenceFinding) -> bool:
    """A violation that names no actor and excludes none ("34 of them were tortured")."""
    return finding.open_actor and not finding.actors and not finding.criminal


def perpetrated(mention: UnitMention) -> bool:
    """Is the unit named as the author of acts told beside it ("los actos fueron cometidos principalmente por
    agentes de la Policía Federal", "at the hands of", `roles.yaml` perpetrator)? Read in the few words before
    the name; the violation itself is in a neighbouring sentence that names no actor."""
    return _role_before(mention, "perpetrator", PERPETRATOR_REACH)


def names_accused(mentions: Sequence[UnitMention], accused_units: Collection[str]) -> bool:
    """Is one of `accused_units` (a linked case's units) named as one who acts: not the victim of its
    sentence, nor the force that arrests, investigates, rescues or reports there?"""
    return any(m.unit in accused_units and acting(m) for m in mentions)


def _reaches(finding: SentenceFinding, force: str, commander: bool) -> bool:
    """Does a neighbouring sentence's accusation reach a unit of this force? When the unit is named as a
    person's command, an accusation naming no force ("La Fiscalía lo acusa de desaparición forzada") is
    that person's, and so the unit's, even beside a charge of organized crime ("delincuencia organizada y
    desaparición forzada"), which otherwise reads as a criminal group acting."""
    if not finding.accusing:
        return False
    if commander and finding.intrinsic and not finding.actors:
        # a state-abuse charge laid on the commander: an "organized crime" count beside it names no gang acting
        return True
    if finding.criminal:
        return False
    return force in finding.actors or "security forces" in finding.actors or (commander and not finding.actors)


def commanded(mention: UnitMention) -> bool:
    """Is the unit named as someone's command ("the former commander of the 27th Battalion", "quien
    encabezaba el 27 Batallón", `roles.yaml` command)? Read in the few words just before the name."""
    return _role_before(mention, "command", COMMAND_REACH)


def _role_before(mention: UnitMention, role: str, reach: int) -> bool:
    """Does one of the `reach` words just before the unit's name begin the `roles.yaml` entry `role`?"""
    text, folded = mention.passage.text, fold(mention.passage.text)
    before = (text if len(text) == len(folded) else folded)[: mention.start]
    words = before.split()[-reach:]
    return bool(words) and bool(ROLES.find(render(" ".join(words)), (role,)))


def _word_span(mention: UnitMention) -> tuple[int, int]:
    """The word indices (first, one past the last) of the unit's name in its passage."""
    folded = fold(mention.passage.text)
    return len(WORD.findall(folded[: mention.start])), len(WORD.findall(folded[: mention.end]))


def acting(mention: UnitMention) -> bool:
    """The unit is neither the victim of its sentence nor a force in a touched role there."""
    first, last = _word_span(mention)
    if _victim_at(mention.passage.text, first, last):
        return False
    # read what follows with its accents (lemmas need them) when folding kept the offsets
    text, folded = mention.passage.text, fold(mention.passage.text)
    after = text[mention.end:] if len(text) == len(folded) else folded[mention.end:]
    # "el Batallón de Infantería 27 fue emboscado": the unit's own verb makes it the one who suffered
    if suffers(after):
        return False
    return not touched_role(after) or shields_armed_group(after)


def shields_armed_group(after: str) -> bool:
    """Is what the force guards, frees or helps an armed group ("protegió a grupos paramilitares", "escorted
    the gunmen", `roles.yaml` armed group)? That is complicity, not the role of one who guards or rescues."""
    rendered = render(after)
    hits = ROLES.find(rendered, ("guard", "rescue", "armed group"))
    roles = [h for h in hits if h.entry.name != "armed group" and h.language != "re"]
    groups = [h for h in hits if h.entry.name == "armed group" and h.language != "re"]
    return any(r.language == g.language and r.end <= g.start and _object_of(rendered.words(r.language, r.end, g.start))
               for r in roles for g in groups)


# what may stand between a verb and its object: articles and Spanish's personal "a" ("protegió a los sicarios");
# a preposition ("rescued from the gang", "rescataron de los sicarios") makes the group something else
_OBJECT_WORDS = frozenset({"a", "al", "the", "el", "la", "los", "las", "unos", "unas", "some", "several", "varios"})


def _object_of(between: str) -> bool:
    words = between.split()
    return len(words) <= 2 and all(w in _OBJECT_WORDS for w in words)


def _victim_at(text: str, first: int, last: int) -> bool:
    """Is a victim cue ("... were killed", "ambush on ...") about the words first..last of the text?"""
    rendered = render(text)
    for hit in CUES.find(rendered, ("victim",)):
        tokens = rendered.folded if hit.language == "re" else rendered.tokens[hit.language]
        start, end = len(tokens[: hit.start].split()), len(tokens[: hit.end].split())
        if start < max(last, first + 1) and first < end:
            return True
    return False


def with_named_actor(finding: SentenceFinding, mentions: Sequence[UnitMention]) -> SentenceFinding:
    """A sentence whose violation has a watchlist unit as its actor ("ESMAD units fired gas into homes",
    "the RAB picked him up") accuses a security force even when no force word ("police", "soldiers") is
    in it: the unit's name is one. Not when a criminal group acts first, nor where the unit is the
    victim or only arrests, rescues or reports."""
    if finding.accuses_force or finding.criminal or not any(acting(m) for m in mentions):
        return finding
    return replace(finding, accuses_force=True, bystander=False)


def unit_evidence(mention: UnitMention) -> Evidence:
    signal: Signal = "alias" if mention.via == "named" else "place"
    return Evidence(signal, mention.passage.text, mention.matched, 1.0 if mention.via == "named" else 0.6,
                    mention.passage.page)
