"""Allegation detection: does an item report abuse by security forces, and of which kind?

Each sentence is read against the lexicon (`lexicon/<language>/violations.yaml`, `cues.yaml`,
`forces.yaml`): violation terms by kind (lemmas, so inflections match), and the context that decides
whether they accuse anyone — official denials, security forces as victims ("two soldiers were killed"),
killings framed as a firefight with no sign the dead were defenceless, a criminal group as the actor, a
force that only arrests, finds or reports, a kidnapping whose victim the sentence frees ("freed three kidnapped
women" is the captors' act). Some terms are state abuse by definition ("enforced
disappearance", "ejecución extrajudicial") and need no named actor.

The item-level decision combines those cues with the dense model's similarity to allegation prototypes
(`lexicon/prototypes.yaml`, only for passages the linker embeds anyway) in a fitted logistic combiner
(`models/allegation.json`, see `allegation_fit.py`); without the file, the lexicon rule decides.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from monitor.domain.assessment import Allegation, Evidence
from monitor.domain.text import fold

from .combiner import Combiner
from .embeddings import TextEncoder
from .lexicon import Hit, Rendered, read_data, render, vocabulary
from .passages import Passage

VIOLATIONS, CUES, FORCES, ROLES, PLACES = (vocabulary(n) for n in ("violations", "cues", "forces", "roles", "places"))
KINDS = VIOLATIONS.names
FORCE_KINDS = ("military", "police", "security forces")  # `forces.yaml` entries that are forces (not unit nouns)
TOUCHED_ROLES = ("arrest", "investigate", "rescue", "guard", "report")
PARENTHESIS = 6  # words of an aside between a force's name and its verb
MODEL = Path(__file__).resolve().parent / "models" / "allegation.json"
FEATURES = ("rule", "force_actor", "intrinsic", "about_case", "kinds", "sentences", "denial", "victim",
            "firefight", "criminal", "reported", "official", "complicity", "prototype", "prototype_margin",
            "embedded", "unattributed", "defence", "case_harm", "official_lead", "aftermath", "others_act",
            "carried", "case_unit")
# Kinds whose act is the state's by its nature (torture, arbitrary detention, a tampered scene are done by
# officials): named with no actor, they still point at the forces; a killing, a disappearance or a kidnapping
# with no actor is as often a crime or an accident.
STATE_KINDS = ("torture", "arbitrary detention", "scene tampering")
# Cues that say the forces are not the actor (they are the victims; a criminal group acts) or that the
# accused institution speaks for itself: the fit may weigh them only against an allegation
# (`combiner.fit(..., against=...)`), which also lets the linker skip the stance of an item that has nothing else.
AGAINST = ("victim", "criminal", "defence", "official_lead", "aftermath", "others_act")


@dataclass(frozen=True)
class SentenceFinding:
    """Violation kinds found in one passage, and the context that says whether it accuses security forces."""

    passage: Passage
    kinds: tuple[str, ...]
    terms: tuple[str, ...]
    denial: bool
    accuses_force: bool  # a security force is the actor (not the victim, not the one who arrests or reports)
    intrinsic: bool  # a term that is state abuse by definition
    matched: tuple[tuple[str, str], ...] = ()  # (kind, words) per violation term, for evidence
    victim: bool = False  # a security force is named as the victim
    firefight: bool = False  # a killing told as combat, with nothing that says the dead were defenceless
    criminal: bool = False  # a criminal group acts first; the force (if any) only reports
    reported: bool = False  # attributed to witnesses, rights bodies, courts
    official: bool = False  # the institution speaks
    bystander: bool = False  # a force is named only as the one who arrests, rescues, finds or reports
    actors: tuple[str, ...] = ()  # the `forces.yaml` entries of the forces that act ("military", "police")
    carried: bool = False  # no actor named here; the sentence before (or the title) names a force that acts

    @property
    def accusing(self) -> bool:
        """The lexicon rule alone: a violation, not denied, not combat, with a force (or a state-abuse term)."""
        return not self.denial and not self.firefight and (self.accuses_force or self.intrinsic)

    @property
    def open_actor(self) -> bool:
        """A violation whose actor a linked case may supply: not denied, not combat, and the sentence does
        not name another actor (a criminal group; forces only as victims, or only as the ones who arrest,
        rescue or report: "marines freed 40 kidnapped migrants")."""
        if self.denial or self.firefight:
            return False
        return self.accuses_force or self.intrinsic or not (self.criminal or self.victim or self.bystander)


@dataclass(frozen=True)
class Voice:
    """What the whole item says, sentences without a violation word included: whether the accused
    institution speaks in its own defence, and whether it speaks of harm done (deaths, victims, the
    missing) or of justice for it (impunity, those responsible, an inquiry)."""

    defence: bool = False  # an official speaker, and a denial, an official position or a firefight account
    harm: bool = False  # deaths, victims, the missing, or the call for justice over them
    official_lead: bool = False  # the title or the lead's first speaker is the institution (not a third party)
    aftermath: bool = False  # the lead reports what came after: a reparation, an apology, a ruling that frees, a rite
    others_act: bool = False  # a criminal group acts, or the forces are the victims, somewhere in the item
    # the item names a unit that a linked case accuses (the watchlist's units of the case), and not as its victim
    # or the force that arrests or reports: a short item about a case's accused tells their part in it even
    # with no violation word ("Extradited to answer for Accomarca", "former Cocula officers detained")
    case_unit: bool = False


def voice(passages: Sequence[Passage]) -> Voice:
    """The item-level stance cues of `passages` (all of them, not only those with a violation term).
    `aftermath` is read in the lead only (the title and the first sentence): an item that recounts a
    case's facts to report a payment, an apology, an acquittal or an anniversary says so first."""
    names: set[str] = set()
    for passage in passages:
        names |= CUES.names_in(render(passage.text))
    # an authority that thanks or praises the forces speaks for them, as their own spokesman does
    defence = "praise" in names or ("official" in names and bool(names & {"denial", "firefight"}))
    lead = _lead(passages)
    aftermath = any(CUES.find(render(p.text), ("aftermath",)) for p in lead)
    official_lead = any(_official_speaker(p) and not _tells_abuse(p) for p in lead)
    return Voice(defence, bool(names & {"harm", "justice"}), official_lead, aftermath,
                 bool(names & {"criminal", "victim"}))


QUOTES = tuple("\"'“‘«")  # a title that opens with one quotes someone; the words before its colon name no speaker
BYLINE = re.compile(r"^(by|por)\s+\S+(\s+\S+){0,4}$", re.IGNORECASE)  # "Por Laura Méndez.", "By Staff"


def _lead(passages: Sequence[Passage]) -> list[Passage]:
    """The title and the first body sentence: a web page's byline line comes before the lead and is skipped."""
    body = [p for p in passages if p.kind != "title"]
    first = next((p for p in body if not BYLINE.match(p.text.strip())), body[0] if body else None)
    return [p for p in passages if p.kind == "title"][:1] + ([first] if first is not None else [])


def _tells_abuse(passage: Passage) -> bool:
    """The passage itself says a force did it ("soldiers opened fire on a van, killing six, the ministry
    said"): an institution that reports its own troops' abuse does not speak in their defence."""
    found = examine(passage)
    return found is not None and found.accusing and found.accuses_force


def _official_speaker(passage: Passage) -> bool:
    """The passage's first speaker is the institution: "Sedena: ...", "Police: ...", or an official cue
    ("the ministry said", "el portavoz") before any third-party source ("witnesses", "según la ONU")."""
    head, colon, _ = passage.text.partition(":")
    if passage.kind == "title" and colon and len(head.split()) <= 5:
        if head.lstrip().startswith(QUOTES):  # "'Eran policías estatales': madre busca...": a quote, no speaker
            return False
        rendered = render(head)
        if CUES.find(rendered, ("reported",)):
            return False
        return bool(CUES.find(rendered, ("official",)) or FORCES.find(rendered, FORCE_KINDS))
    hits = CUES.find(render(passage.text), ("official", "reported"))
    first = min(hits, key=lambda h: (h.language == "re", h.start), default=None)
    return first is not None and first.entry.name == "official"


def is_denial(text: str) -> bool:
    """The sentence states an official denial or position ("was not involved", "no hay pruebas")."""
    return bool(CUES.find(render(text), ("denial",)))


def violation_terms(text: str) -> list[tuple[str, str]]:
    """(kind, matched words) for every violation term in a text."""
    return [(h.entry.name, h.words) for h in VIOLATIONS.find(render(text))]


def examine(passage: Passage) -> SentenceFinding | None:
    """The violation terms of one passage with the context that decides whether they accuse anyone."""
    rendered = render(passage.text)
    freed = CUES.find(rendered, ("freed",))
    hits = [h for h in VIOLATIONS.find(rendered) if not _freed(rendered, h, freed)]
    if not hits:
        return None
    found = tuple(dict.fromkeys((h.entry.name, h.words) for h in hits))
    kinds = tuple(dict.fromkeys(k for k, _ in found))
    every_cue = CUES.find(rendered)  # one scan; each use below keeps the entries it needs
    cues: dict[str, Hit] = {}
    for cue in every_cue:
        cues.setdefault(cue.entry.name, cue)  # the first of each: "gunmen ... police said" is criminal-first
    victims = _victims(rendered, every_cue)
    # "the National Liberation Army", "policías comunitarios": an armed group's name, not a state force (roles.yaml)
    groups = ROLES.find(rendered, ("armed group name",))
    forces, actors, suffering = _forces(rendered, victims, groups)
    # "gunmen killed nine, police said": the criminal group acts first, the force only reports; but where
    # the force let them act (complicity), the force is the one accused of it
    criminal = ("criminal" in cues and "complicity" not in kinds
                and not any(_before(a, cues["criminal"]) for a in actors))
    firefight = set(kinds) <= {"killing", "attack on civilians"} and "firefight" in cues and not _defenceless(every_cue)
    intrinsic = any(h.entry.flags.get("intrinsic") for h in hits)
    return SentenceFinding(passage, kinds, tuple(dict.fromkeys(t for _, t in found)), "denial" in cues,
                           bool(actors) and not criminal, intrinsic, found, bool(victims or suffering), firefight,
                           criminal,
                           "reported" in cues, "official" in cues, bool(forces) and not actors,
                           tuple(dict.fromkeys(a.entry.name for a in actors)))


def _forces(rendered: Rendered, victims: Sequence[Hit],
            groups: Sequence[Hit]) -> tuple[list[Hit], list[Hit], list[Hit]]:
    """The state forces a sentence names (not its victims, not inside an armed group's name), those of them
    that act (not the one who arrests, rescues or reports), and the forces and unit nouns that are the
    subject of a predicate that makes them suffer the act (`suffers`)."""
    every_force = FORCES.find(rendered)  # the unit nouns too: a victim phrase may begin with one
    named = [f for f in every_force if f.entry.name in FORCE_KINDS and not _inside(f, groups)]
    # "Batallón de Infantería 27 fueron emboscados", "tres policías murieron en": the verb after the name says
    # who suffered, in either language, wherever the rest of the name puts it
    suffering = [f for f in every_force
                 if f.language != "re" and suffers(rendered.rest(f.language, f.end)) and not _denied(rendered, f)]
    # "soldiers from the 35th Military Zone were killed": the victim phrase begins with the unit's noun, and
    # the forces whose name it completes are its victims too
    heads = [u for u in every_force if u in suffering or any(_passive_head(rendered, u, v) for v in victims)]
    # "officers of the municipal police were killed": a force whose name the victim force completes is the victim
    fallen = [f for f in named
              if _inside(f, victims) or f in suffering or any(_names_same(rendered, f, u) for u in heads)]
    # "ningún militar muerto", "not a single soldier was hurt": a force whose loss is denied did not suffer the
    # act, nor is it named as the one who did it
    denied = [f for f in named if f not in fallen and f.language != "re" and _denied(rendered, f)]
    spared = [f for f in denied if suffers(rendered.rest(f.language, f.end))
              or _inside(f, CUES.find(rendered, ("victim",)))]
    forces = [f for f in named
              if f not in fallen and f not in spared and not any(_names_same(rendered, f, g) for g in fallen)]
    standing = [f for f in forces if _bystander(rendered, f)]
    actors = [f for f in forces if f not in standing and not any(_names_same(rendered, f, g) for g in standing)]
    return forces, actors, suffering


NAME_LINKS = frozenset({"de", "del", "la", "las", "los", "el", "of", "the"})  # join the words of one name
NAME_TAIL = 6  # words of a name after its noun: "de Infantería No. 27", "of the 35th Military Zone"


def past_name(after: str) -> str | None:
    """" del Batallón de Infantería 27 fueron emboscados" -> "fueron emboscados": the capitalized words and
    numbers that finish a force's name (and the "de", "of the" that join them) come before its verb; Spanish
    puts them after the unit's noun. None when a comma, colon or semicolon ends the name: a clause about it
    comes next, not its verb."""
    words = after.split()
    i = 0
    while i < min(len(words), NAME_TAIL):
        word = words[i]
        # "of the 35th": links count when the words after them go on with the name
        following = next((w for w in words[i + 1:i + 3] if w.lower() not in NAME_LINKS), "")
        if not (_name_word(word) or (word.lower() in NAME_LINKS and _name_word(following))):
            break
        if word[-1:] in ",;:":
            return None
        i += 1
    return " ".join(words[i:])


def _name_word(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit() or word[:1] == "("


def suffers(after: str) -> bool:
    """Do the words after a force's or unit's name (past the rest of the name) make it the one who
    suffered the act: "were ambushed", "fueron emboscados", "resultaron heridos", "murieron en"
    (`cues.yaml` suffered)? The predicate must begin there: a victim word later in the sentence is
    someone else's."""
    rest = past_name(after)
    if not rest:
        return False
    return any(h.entry.name == "suffered" for h in CUES.leading(rest, words=0))


def acting_forces(passage: Passage) -> tuple[str, ...]:
    """The state forces that act in the passage (their `forces.yaml` entries): not its victims, not the one
    who arrests someone accused, finds or reports, and with no criminal group acting before them ("Soldiers
    broke into the house at dawn.", "Policías estatales irrumpieron en la vivienda"). Read in the sentence
    before a violation whose own sentence names no actor, and in the title."""
    rendered = render(passage.text)
    every_cue = CUES.find(rendered, ("victim", "criminal"))
    _, actors, _ = _forces(rendered, _victims(rendered, every_cue), ROLES.find(rendered, ("armed group name",)))
    crime = _named(every_cue, "criminal")
    if not actors or any(_before(c, actors[0]) for c in crime):
        return ()
    return tuple(dict.fromkeys(a.entry.name for a in actors))


def actor_hits(rendered: Rendered) -> list[Hit]:
    """The force words of a sentence that name the ones who act (`_forces`), as hits: where each stands."""
    victims = _victims(rendered, CUES.find(rendered, ("victim",)))
    return _forces(rendered, victims, ROLES.find(rendered, ("armed group name",)))[1]


# what follows a unit's noun when the phrase says it suffered the act ("Zone were killed", "Batallón fueron
# emboscados"), not when it did it ("Battalion killed at least a dozen")
PASSIVE = frozenset({"were", "was", "are", "is", "being", "been", "have", "has", "had", "died", "die", "dies",
                     "fue", "fueron", "resultó", "resultaron", "murió", "murieron", "muere", "mueren", "falleció",
                     "fallecieron"})


def _passive_head(rendered: Rendered, unit: Hit, victim: Hit) -> bool:
    """The victim phrase begins with the unit's noun, and the next word makes the unit the one who suffered."""
    if unit.language != victim.language or unit.start != victim.start or unit.language == "re":
        return False
    after = rendered.rest(unit.language, unit.end).split()
    return bool(after) and after[0].lower() in PASSIVE


def _named(hits: Sequence[Hit], name: str) -> list[Hit]:
    """The hits of one entry name, in order: what `CUES.find(rendered, (name,))` gives, without a second scan."""
    return [h for h in hits if h.entry.name == name]


# what denies the victim phrase after it: "ningún militar muerto", "no soldier was hurt", "not a single officer wounded"
NO_VICTIM = frozenset({"ningun", "ninguno", "ninguna", "no", "ni", "sin", "without", "nor"})
NO_VICTIM_ONE = frozenset({"single", "solo", "un", "una", "one"})


def _victims(rendered: Rendered, every_cue: Sequence[Hit]) -> list[Hit]:
    """The victim cues that stand: not those denied by the words before them ("cadáveres con rifles acomodados y
    ningún militar muerto", "no soldier was wounded": the account of a clash without losses weighs against it)."""
    return [h for h in _named(every_cue, "victim") if not _denied(rendered, h)]


def _denied(rendered: Rendered, hit: Hit) -> bool:
    """Do the words just before a victim phrase or a force deny it ("ningún militar", "not a single soldier")?"""
    words = [] if hit.language == "re" else rendered.words(hit.language, 0, hit.start).split()[-3:]
    before = [fold(w) for w in words]
    return bool(before) and (before[-1] in NO_VICTIM or (
        before[-1] in NO_VICTIM_ONE and any(w in {"not", "ni", "no"} for w in before[:-1])))


def _defenceless(every_cue: Sequence[Hit]) -> bool:
    """Something says the dead were not fighting; "civilians" counts only where it is not "armed civilians",
    "not civilians" or an institution ("civilian authorities", "la sociedad civil"): an official firefight
    account says the dead were armed civilians, not civilians."""
    spans = _named(every_cue, "not defenceless")
    return any(not _inside(h, spans) for h in _named(every_cue, "defenceless"))


# Kinds whose victim is held, so that a force can free them: "freed three kidnapped women" reports the
# kidnappers' act and the force's rescue, not a disappearance by the force.
HELD_KINDS = ("disappearance",)


def _freed(rendered: Rendered, hit: Hit, freed: Sequence[Hit], before: int = 8, after: int = 3) -> bool:
    """The violation's victim is the one the sentence frees: a freeing verb a few words before the held
    victim's word ("rescataron a un comerciante que llevaba 40 días secuestrado") or just after it ("three
    women held captive were freed")."""
    if hit.entry.name not in HELD_KINDS or hit.language == "re":
        return False
    for free in freed:
        if free.language != hit.language:
            continue
        if free.end <= hit.start and _words_between(rendered, free, hit) <= before:
            return True
        if hit.end <= free.start and _words_between(rendered, hit, free) <= after:
            return True
    return False


def _words_between(rendered: Rendered, first: Hit, second: Hit) -> float:
    """How many words lie between two hits of one clause (infinite when a comma, colon or semicolon
    separates them: "secuestraron a tres mujeres; liberaron a una" tells two acts)."""
    count = len(rendered.tokens[first.language][first.end:second.start].split())
    between = rendered.rest(first.language, first.end).split()[:count]
    return float("inf") if any(mark in word for word in between for mark in ",;:") else count


def _inside(hit: Hit, spans: Sequence[Hit]) -> bool:
    return any(s.language == hit.language and s.start <= hit.start and hit.end <= s.end for s in spans)


def _before(a: Hit, b: Hit) -> bool:
    return a.language == b.language and a.start < b.start


def _names_same(rendered: Rendered, force: Hit, other: Hit, gap: int = 4) -> bool:
    """`other` follows `force` within a few words and completes its name: "uniformados del Gaula de la
    Policía Nacional rescataron", "officers of the state police arrested": one force, whose role is the
    one after the last name."""
    if force.language != other.language or force.language == "re" or not force.end <= other.start:
        return False
    # the text up to the other name, as written ("de la 35/a. Zona" is four words, though five tokens)
    rest, tail = rendered.rest(force.language, force.end), rendered.rest(other.language, other.start)
    between = rest[:len(rest) - len(tail)] + tail[:len(tail) - len(tail.lstrip(NOT_WORD))]
    return len(between.split()) <= gap and not any(mark in between for mark in ",;:")


NOT_WORD = " ,;:.()-/\"'«»“”"  # what may stand between the last word before a name and the name


def _bystander(rendered: Rendered, force: Hit) -> bool:
    """The force's next words make it the one who arrests someone accused, investigates, finds or reports."""
    if force.language == "re":
        return False
    return touched_role(rendered.rest(force.language, force.end))


def touched_role(after: str) -> bool:
    """Do the words after a force's name give it a role that is not abuse? Arresting counts only when
    someone else is named as the accused ("arrested a mayor accused of..."); a complicity term
    afterwards ("guarding the road, watched the attack without intervening") makes it an actor again."""
    after = _past_relative_clause(after)
    # "marines based in Nuevo Laredo freed...": the place of the base comes between the force and its role
    reach = 8 if PLACES.leading(after, words=0) else 4
    leading = ROLES.leading(after, words=reach)
    roles = {h.entry.name for h in leading} & set(TOUCHED_ROLES)
    arriving = [h for h in leading if h.entry.name == "arrive"]
    if arriving and not roles:
        # "soldiers arrived in Pizotla, detained two men and beat them": arriving is no role of its own, what the
        # force did there is; arriving and nothing more ("police arrived at the scene") is the one who reports
        then = _next_clause(render(after).rest(arriving[0].language, arriving[0].end))
        return touched_role(then) if then else True
    if not roles:
        return False
    rendered = render(after)
    accusations = ROLES.find(rendered, ("accusation",))
    # "detuvieron a un exagente con orden de aprehensión por no haber impedido la matanza": the omission is
    # the accused's, named after the accusation, not the arresting force's
    if any(not any(_before(a, c) for a in accusations) for c in VIOLATIONS.find(rendered, ("complicity",))):
        return False
    arrests = [h for h in leading if h.entry.name == "arrest"]
    return roles != {"arrest"} or bool(accusations) or _arrests_force(rendered, arrests)


OBJECT_REACH = 3  # words between an arrest verb and the force it arrests: "arrested two former soldiers"


def _arrests_force(rendered: Rendered, arrests: Sequence[Hit]) -> bool:
    """Is what the force arrests another force ("arrested two soldiers", "detuvieron a tres policías
    municipales")? Then it is the one who arrests those accused, not the accused (and not the actor a
    following sentence carries: "Police arrested two soldiers. They had tortured a man")."""
    forces = [f for f in FORCES.find(rendered) if f.entry.name in FORCE_KINDS and f.language != "re"]
    return any(f.language == a.language and a.end <= f.start
               and len(rendered.tokens[a.language][a.end:f.start].split()) <= OBJECT_REACH
               for a in arrests if a.language != "re" for f in forces)


_CLAUSE = re.compile(r",\s*(?:and\s+|y\s+|e\s+)?|\s+(?:and|y|e)\s+")


def _next_clause(after: str) -> str:
    """"in Pizotla, detained two men" -> "detained two men": what follows the first comma or "and" / "y"
    (empty when the sentence ends first)."""
    match = _CLAUSE.search(after.split(".")[0])
    return after[match.end():].strip() if match else ""


def _rest_of_name(words: str) -> bool:
    """"Zone" in "Troops of the 35th Military Zone, ...": capitalized words that end the force's name."""
    return len(words.split()) <= 3 and all(w[:1].isupper() or w[:1].isdigit() for w in words.split())


def _past_relative_clause(after: str) -> str:
    """", who were guarding the road, opened fire" -> "opened fire": the clause describes the force; what
    it did comes after it."""
    head, comma, rest = after.lstrip().partition(",")
    if not comma or (head and not _rest_of_name(head)):
        return after
    clause, comma, rest = rest.partition(",")
    if comma and "relative" in {h.entry.name for h in ROLES.leading(clause, words=0)}:
        return rest
    # ", in coordination with prosecutors, arrested", ", con apoyo del Gaula, rescataron": a short aside
    # that reports no violation comes between the force and what it did
    if comma and len(clause.split()) <= PARENTHESIS and not VIOLATIONS.find(render(clause)):
        return rest
    return after


def findings(passages: Sequence[Passage]) -> list[SentenceFinding]:
    """The findings of every passage; a violation whose sentence names no actor and excludes none ("They
    took him away", "se los llevaron", "fueron sacados de su camioneta") takes the force that acts in the
    sentence before it (on the same page) or in the title as its `carried` actor: Spanish drops the
    subject, and a report names the force once and tells what it did in the sentences that follow."""
    out = []
    for i, passage in enumerate(passages):
        found = examine(passage)
        if found is None:
            continue
        carried = _carried(passages, i) if _unnamed_actor(found) else ()
        if carried:
            found = replace(found, accuses_force=True, actors=carried, carried=True)
        out.append(found)
    return out


def _unnamed_actor(found: SentenceFinding) -> bool:
    """A live violation whose sentence names no actor at all: no force, no criminal group, no victim force."""
    return (found.open_actor and not found.accusing and not found.actors
            and not (found.criminal or found.victim or found.bystander))


def _carried(passages: Sequence[Passage], i: int) -> tuple[str, ...]:
    """The forces acting in the sentence before passage i (same page), else in the title."""
    here = passages[i]
    near = [passages[i - 1]] if i and passages[i - 1].page == here.page else []
    near += [p for p in passages[:1] if p.kind == "title" and p is not here and p not in near]
    return next((kinds for kinds in map(acting_forces, near) if kinds), ())


# -- the dense second signal -----------------------------------------------------------------------


@dataclass(frozen=True)
class DenseCue:
    """The embedded passage closest to an allegation prototype."""

    passage: Passage
    kind: str
    similarity: float  # best cosine with a prototype of an allegation kind
    margin: float  # that minus its best cosine with a non-allegation prototype ("none")


class Prototypes:
    """Allegation-type prototype sentences (EN and ES, `lexicon/prototypes.yaml`), embedded once."""

    def __init__(self, encoder: TextEncoder) -> None:
        data = read_data("prototypes.yaml")["prototypes"]
        self.encoder = encoder
        self.labels = [kind for kind, texts in data.items() for _ in texts]
        self.texts = [t for texts in data.values() for t in texts]
        self._matrix: np.ndarray | None = None

    def best(self, passages: Sequence[Passage], vectors: np.ndarray | None) -> DenseCue | None:
        if vectors is None or not len(vectors) or not passages:
            return None
        if self._matrix is None:
            self._matrix = self.encoder.encode(self.texts)
        sims = vectors @ self._matrix.T
        negative = np.array([label == "none" for label in self.labels])
        pos = np.where(negative, -1.0, sims)
        neg = np.where(negative, sims, -1.0).max(axis=1)
        best_col = pos.argmax(axis=1)
        best_pos = pos.max(axis=1)
        margin = best_pos - neg
        row = int(margin.argmax())
        return DenseCue(passages[row], self.labels[int(best_col[row])], float(best_pos.max()), float(margin[row]))


# -- the item's decision ---------------------------------------------------------------------------


def cues(found: Sequence[SentenceFinding], about_case: bool, dense: DenseCue | None = None,
         stance: Voice | None = None) -> dict[str, float]:
    """The named signals the allegation combiner reads (watchlist-independent, 0..1 or small counts).
    Counts and source cues are taken over the sentences that carry an allegation by the lexicon rule, so a
    violation word alone (a victim soldier, an arrest for a killing) adds nothing by being frequent.
    `unattributed`: a violation of a `STATE_KINDS` kind with no actor named and none excluded ("thousands of
    torture complaints"), which a linked case does not anchor; `case_harm`: a linked case and talk of its
    dead, victims or the justice owed them, where the allegation is carried by the case, not by a verb."""
    live = [f for f in found if not f.denial]
    stance = stance or Voice()
    support = _supporting(found, about_case, strict=True)
    kinds = {k for f in support for k in f.kinds}
    return {
        "rule": float(bool(support)),
        "force_actor": float(any(f.accuses_force for f in support)),
        "intrinsic": float(any(f.intrinsic for f in live)),
        "about_case": float(about_case),
        "kinds": float(min(len(kinds), 3)),
        "sentences": float(min(len(support), 5)),
        "denial": len(found) and sum(f.denial for f in found) / len(found) or 0.0,
        # forces only as victims, or a criminal group as the only actor, in the whole item
        "victim": float(any(f.victim for f in found) and not any(f.accuses_force for f in live)),
        "firefight": float(bool(found) and all(f.firefight for f in found)),
        "criminal": float(any(f.criminal for f in found) and not any(f.accuses_force for f in live)),
        "reported": float(any(f.reported for f in support)),
        "official": float(any(f.official for f in found)),
        "complicity": float("complicity" in kinds),
        "prototype": dense.similarity if dense else 0.0,
        "prototype_margin": dense.margin if dense else 0.0,
        "embedded": float(dense is not None),
        "unattributed": float(not about_case and any(f.open_actor and not f.accusing and set(f.kinds) & set(STATE_KINDS)
                                                     for f in live)),
        "defence": float(stance.defence),
        "case_harm": float(about_case and stance.harm),
        "official_lead": float(stance.official_lead),
        # what a case's dead or a violation word is told for: an aftermath in the lead (a rite, a payment, a
        # ruling) with no sentence that tells the abuse itself, or other actors in the item and no force named
        # as the actor (a sentence without a violation word can still say who acted)
        "aftermath": float(stance.aftermath and not support),
        "others_act": float(stance.others_act and not any(f.accuses_force for f in live)),
        # every accusing sentence has its actor from the sentence before or the title, none of its own
        "carried": float(bool(support) and all(f.carried for f in support)),
        "case_unit": float(about_case and stance.case_unit),
    }


class Detector:
    """Decides an item's allegation from its sentence findings (and, when given, its embedded passages)."""

    def __init__(self, encoder: TextEncoder | None = None, model: Combiner | None | Path = MODEL) -> None:
        self.prototypes = Prototypes(encoder) if encoder is not None else None
        if isinstance(model, Path):
            model = Combiner.load(model) if model.exists() else None
        self.model = model

    def dense(self, embedded: Sequence[Passage], vectors: np.ndarray | None) -> DenseCue | None:
        return self.prototypes.best(embedded, vectors) if self.prototypes is not None else None

    def probability(self, values: Mapping[str, float]) -> float:
        if self.model is None:
            return values["rule"]
        return self.model.probability(values)

    def allegation(self, found: Sequence[SentenceFinding], about_case: bool, naming: Collection[Passage] = (),
                   embedded: Sequence[Passage] = (), vectors: np.ndarray | None = None,
                   stance: Voice | None = None) -> Allegation | None:
        """The item's allegation, or None. `about_case`: it is linked to a tracked case, whose units are the
        security forces the violation terms refer to even when a sentence does not name them. `naming`: the
        passages that name an implicated unit or a linked case; their findings are the best evidence.
        `embedded`/`vectors`: the passages the linker embedded, for the prototype signal; `stance`: the
        item-level cues of `voice`."""
        dense = self.dense(embedded, vectors)
        values = cues(found, about_case, dense, stance)
        p = self.probability(values)
        if p < (self.model.threshold if self.model is not None else 0.5):
            return None
        chosen = _supporting(found, about_case)
        if chosen:
            kinds = tuple(dict.fromkeys(k for f in chosen for k in f.kinds))
            return Allegation(kinds, evidence(chosen, naming), round(p, 3))
        if dense is None:
            return None
        return Allegation((dense.kind,), (Evidence("dense", dense.passage.text, f"close to a {dense.kind} prototype",
                                                   round(dense.similarity, 3), dense.passage.page),), round(p, 3))


def _supporting(found: Sequence[SentenceFinding], about_case: bool, strict: bool = False) -> list[SentenceFinding]:
    """The findings that carry the allegation: accusing ones (a linked case supplies the actor), else,
    unless `strict`, any not denied and not combat (the combiner decided on other cues)."""
    accusing = [f for f in found if f.accusing or (about_case and f.open_actor)]
    return accusing if strict or accusing else [f for f in found if not f.denial and not f.firefight]


DETECTOR = Detector()


def allegation(found: Sequence[SentenceFinding], about_case: bool,
               naming: Collection[Passage] = ()) -> Allegation | None:
    """The item's allegation from the lexicon cues alone (no dense signal), with the bundled model."""
    return DETECTOR.allegation(found, about_case, naming)


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
