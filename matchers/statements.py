"""Statement linking: does an item bear on a public talking point, and does it restate or undercut it?

A statement is in play when the item is about one of the statement's cases (or, for a statement tied
to no case, when the item is very close to it). It is linked when some passage is closer to the
statement than to the case itself: every story about the Tlatlaya case resembles a Tlatlaya talking
point a little; one about the soldiers' US training resembles the training talking point more than
the case. Of several statements on one case, the closest wins. The stance follows the item: an
allegation undercuts a talking point, an official position or denial restates it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from monitor.watchlist import Statement

from .result import Allegation, Evidence, Link
from .text import Passage

STATEMENT_MARGIN = 0.0  # passage-to-statement minus passage-to-case similarity, item about the case
UNTIED_THRESHOLD = 0.7  # plain similarity for a statement tied to no case


@dataclass(frozen=True)
class StatementCandidate:
    statement: Statement
    threshold: float


def candidates(statements: Sequence[Statement], linked_cases: set[str]) -> list[StatementCandidate]:
    """Statements an item may bear on, given the cases it is linked to."""
    out = []
    for statement in statements:
        if not statement.cases:
            out.append(StatementCandidate(statement, UNTIED_THRESHOLD))
        elif linked_cases & set(statement.cases):
            out.append(StatementCandidate(statement, STATEMENT_MARGIN))
    return out


def stance(allegation: Allegation | None) -> str:
    return "undercuts" if allegation is not None else "restates"


def link(candidate: StatementCandidate, similarity: np.ndarray, passages: Sequence[Passage],
         allegation: Allegation | None) -> Link | None:
    """A Link when the best passage clears the candidate's threshold; `similarity[p]` per passage is
    the relative similarity (statement minus case) or, for an untied statement, the plain one."""
    if not similarity.size:
        return None
    best = int(similarity.argmax())
    score = float(similarity[best])
    if score < candidate.threshold:
        return None
    passage = passages[best]
    evidence = Evidence("statement", passage.text, candidate.statement.text, round(score, 3), passage.page)
    return Link("statement", candidate.statement.id, round(score, 3), (evidence,), stance=stance(allegation))


def closest_per_case(links: Sequence[Link], statements: Sequence[Statement]) -> list[Link]:
    """Of the statements tied to the same cases, keep the one the item is closest to."""
    cases = {s.id: s.cases for s in statements}
    best: dict[tuple[str, ...], Link] = {}
    for found in links:
        key = cases[found.id] or (found.id,)
        if key not in best or found.score > best[key].score:
            best[key] = found
    return list(best.values())
