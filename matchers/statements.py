"""Statement linking: does an item bear on a public talking point, and does it restate or undercut it?

A statement is in play when the item is about one of the statement's cases. It is linked when the
item addresses the statement's specific claim, seen two ways:

- concepts (English and Spanish): the statement's distinctive concepts (`concepts.py`) are those of
  its text that the case's identity (name, aliases, place, opening sentence) does not already carry,
  plus the concepts that would contradict it and that the case record does not already assert. Every
  Tlatlaya story says soldiers killed people; only one that speaks of their training bears on "none
  of the soldiers had been trained by the U.S. military".
- dense (English): some passage is closer to the statement than to the case itself.

The stance: a contradicting concept or an allegation undercuts; an official denial or position
restates; otherwise a passage whose polarity differs from the statement's ("were trained" against
"none had been trained") undercuts it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from monitor.domain.assessment import Allegation, Evidence, Link
from monitor.domain.text import fold
from monitor.domain.watchlist import Case, Statement

from .allegation import is_denial
from .concepts import concept_terms, concepts, counters
from .passages import Passage, sentences

STATEMENT_MARGIN = 0.0  # dense: passage-to-statement minus passage-to-case similarity, item about the case
UNTIED_THRESHOLD = 0.7  # dense: plain similarity for a statement tied to no case
MAX_EVIDENCE = 3

_NEGATION = re.compile(r"\b(?:not|no|none|never|neither|nor|without|cannot|\w+n't|ningun[oa]?|nunca|ni|sin|"
                       r"tampoco|jamas|nadie|nada)\b")


@dataclass(frozen=True)
class StatementProfile:
    """What of a statement an item must speak of to bear on it."""

    statement: Statement
    claim: frozenset[str]  # concepts of the statement the case identity does not carry
    counter: frozenset[str]  # concepts contradicting the claim that the case record does not assert
    negated: bool  # the statement is a negation ("was not involved", "none ... had been trained")

    @property
    def wanted(self) -> frozenset[str]:
        return self.claim | self.counter


def identity_texts(case: Case) -> list[str]:
    """What names the case: every story about it repeats these words (so they say nothing of a claim)."""
    openings = [sentences(d)[0] for d in case.description if d.strip()]
    return [case.name, *case.aliases, case.place, *openings]


def profile(statement: Statement, cases: Mapping[str, Case]) -> StatementProfile:
    tied = [cases[c] for c in statement.cases if c in cases]
    identity = _concepts_of(t for c in tied for t in identity_texts(c))
    record = identity | _concepts_of(d for c in tied for d in c.description)
    own = concepts(fold(statement.text))
    return StatementProfile(statement, frozenset(own - identity), frozenset(counters(own) - record),
                            _NEGATION.search(fold(statement.text)) is not None)


def _concepts_of(texts: Iterable[str]) -> set[str]:
    return {c for t in texts for c in concepts(fold(t))}


@dataclass(frozen=True)
class ConceptHit:
    """A passage that speaks of some of a statement's distinctive concepts."""

    passage: Passage
    terms: tuple[tuple[str, str], ...]  # (concept, matched words)
    counter: bool  # it speaks of a concept that contradicts the claim
    denial: bool
    negated: bool


def concept_hits(found: StatementProfile, passages: Iterable[Passage]) -> list[ConceptHit]:
    out = []
    for passage in passages:
        folded = fold(passage.text)
        terms = tuple(concept_terms(folded, sorted(found.wanted)))
        if terms:
            out.append(ConceptHit(passage, terms, any(c in found.counter for c, _ in terms), is_denial(folded),
                                  _NEGATION.search(folded) is not None))
    return sorted(out, key=lambda h: len(h.terms), reverse=True)


def addressed(found: StatementProfile, hits: Sequence[ConceptHit]) -> bool:
    """Do the concept hits show the item addresses the claim? A statement tied to no case needs one
    passage with every concept of its claim (at least two): a single concept is too common alone."""
    if found.statement.cases:
        return bool(hits)
    return len(found.claim) >= 2 and any({c for c, _ in h.terms} >= found.claim for h in hits)


@dataclass(frozen=True)
class DenseMatch:
    """The passage closest to the statement and its (relative, or for untied statements plain) similarity."""

    passage: Passage
    score: float


def dense_threshold(statement: Statement) -> float:
    return STATEMENT_MARGIN if statement.cases else UNTIED_THRESHOLD


def stance(found: StatementProfile, hits: Sequence[ConceptHit], allegation: Allegation | None) -> str:
    if any(h.counter for h in hits):
        return "undercuts"
    denials = [h.denial for h in hits]
    if allegation is not None and not all(denials):
        return "undercuts"
    if any(denials):
        return "restates"
    return "undercuts" if any(h.negated != found.negated for h in hits) else "restates"


def link(found: StatementProfile, hits: Sequence[ConceptHit], dense: DenseMatch | None,
         allegation: Allegation | None) -> Link | None:
    """A Link when the item addresses the claim by concepts, or failing that by dense similarity."""
    text = found.statement.text
    if addressed(found, hits):
        evidence = tuple(Evidence("statement", h.passage.text, "; ".join(f"{c}: {t}" for c, t in h.terms),
                                  1.0, h.passage.page) for h in hits[:MAX_EVIDENCE])
        score = min(1.0, 0.5 + 0.25 * len({c for h in hits for c, _ in h.terms}))
        return Link("statement", found.statement.id, score, evidence, via="concepts",
                    stance=stance(found, hits, allegation))
    if dense is None or dense.score < dense_threshold(found.statement):
        return None
    dense_hit = ConceptHit(dense.passage, (), False, is_denial(fold(dense.passage.text)),
                           _NEGATION.search(fold(dense.passage.text)) is not None)
    closest = Evidence("statement", dense.passage.text, text, round(dense.score, 3), dense.passage.page)
    return Link("statement", found.statement.id, round(dense.score, 3), (closest,), via="dense",
                stance=stance(found, [dense_hit], allegation))


def closest_per_case(links: Sequence[Link], statements: Sequence[Statement]) -> list[Link]:
    """Every statement linked by concepts stays; of the statements linked only densely, keep the one the
    item is closest to among those tied to the same cases, and none where a concept link exists."""
    cases = {s.id: s.cases for s in statements}
    by_concepts = [found for found in links if found.via == "concepts"]
    covered = {cases[found.id] or (found.id,) for found in by_concepts}
    best: dict[tuple[str, ...], Link] = {}
    for found in links:
        key = cases[found.id] or (found.id,)
        if found.via == "concepts" or key in covered:
            continue
        if key not in best or found.score > best[key].score:
            best[key] = found
    return [*by_concepts, *best.values()]
