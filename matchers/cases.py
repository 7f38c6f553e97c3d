"""Case linking: one score per (item, case) from lexical, dense, alias, date and place signals.

    score = 2·lexical(item, case) + lexical(lead, case) + lexical(proper names) + dense
            + 0.4·year compatibility + alias bonus + day bonus + place bonus

Lexical beats dense on telling two similar events apart (the names differ), dense catches
paraphrase and the other language; the sum decides both "this case" and "no case" against one
threshold. Weights and threshold were chosen on the odd topics of the ECB+ set (see
`monitor.evaluate` and the report in the commit history), not on single items.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from monitor.domain.text import fold
from monitor.domain.watchlist import Case, Watchlist

from .dates import day_pattern, mentions_day_folded, year_compatibility, years
from .lexical import Idf, LexicalIndex, terms
from .passages import Passage, sentences
from .places import place_pattern

W_LEXICAL, W_LEAD, W_NAMES, W_DENSE, W_YEAR = 2.0, 1.0, 1.0, 1.0, 0.4
ALIAS_BONUS, DAY_BONUS, PLACE_BONUS = 0.5, 0.2, 0.15
THRESHOLD = 0.97  # a case is linked when its score reaches this (fit on odd ECB+ topics)
RIVAL_MARGIN = 0.15  # a second case is linked only with its own alias hit and a score this close
# An item is embedded only when its sparse score for some case reaches this floor (or it names a case or a
# unit): the lowest sparse score of a correct link on the odd ECB+ topics was 0.51; below the floor the
# dense similarity an unrelated story gets never lifts it to the threshold, and most news sits far below.
EMBED_FLOOR = 0.45
LEAD_SENTENCES = 3

_CAPITALIZED = re.compile(r"(?<!^)(?<![.!?:]\s)\b[A-ZÁÉÍÓÚÑ][\w'’-]+")


def proper_names(text: str) -> str:
    """The capitalized words of a text that do not start a sentence: mostly names of people and places."""
    return " ".join(w for s in sentences(text) for w in _CAPITALIZED.findall(s))


def case_documents(case: Case) -> list[str]:
    """The lexical side of a case: its names and place with each description (one per language), so
    an item in one language is not diluted by the other languages' words."""
    head = " ".join([case.name, *case.aliases, case.place])
    return [f"{head} {d}" for d in case.description] or [head]


def broad_terms(case: Case) -> set[str]:
    """Words of the last part of a case's place ("Guerrero", "State of Mexico"): a state or country is
    shared by every story from there, so it must not count as evidence for this case."""
    parts = [p for p in case.place.split(",") if p.strip()]
    return set(terms(parts[-1])) if len(parts) > 1 else set()


def case_texts(case: Case) -> list[str]:
    """The texts a passage is compared with densely: the name, each description and its sentences."""
    texts = [case.name]
    for description in case.description:
        texts.append(description)
        texts.extend(sentences(description)[:8])
    return list(dict.fromkeys(t for t in texts if t.strip()))


@dataclass(frozen=True)
class CaseScore:
    """The signals of one case for one item, and their sum."""

    case: str
    lexical: float
    lead: float
    names: float
    year: int
    alias: bool
    day: bool
    place: bool
    dense: float = 0.0
    dense_passage: int = -1  # index of the passage most similar to the case

    @property
    def sparse_total(self) -> float:
        return (W_LEXICAL * self.lexical + W_LEAD * self.lead + W_NAMES * self.names + W_YEAR * self.year
                + ALIAS_BONUS * self.alias + DAY_BONUS * self.day + PLACE_BONUS * self.place)

    @property
    def total(self) -> float:
        return self.sparse_total + W_DENSE * self.dense


class CaseModel:
    """The watchlist's cases prepared for scoring: TF-IDF indexes, dense texts, date and place patterns."""

    def __init__(self, watchlist: Watchlist, background: Sequence[str]) -> None:
        self.cases = watchlist.cases
        per_case = [case_documents(c) for c in self.cases]
        documents = [d for docs in per_case for d in docs]
        names = [proper_names(d) for d in documents]
        self._owner = np.repeat(np.arange(len(self.cases)), [len(d) for d in per_case])
        ignore = [broad_terms(c) for c in self.cases for _ in case_documents(c)]
        self.lexical = LexicalIndex(Idf.fit([*background, *documents]), documents, ignore)
        self.names = LexicalIndex(Idf.fit([*map(proper_names, background), *names]), names, ignore)
        self.years = [years(" ".join(d)) | ({c.date.year} if c.date else set())
                      for c, d in zip(self.cases, per_case, strict=True)]
        self.places = [place_pattern(c) for c in self.cases]
        self.days = [day_pattern(c.date) if c.date else None for c in self.cases]

    def sparse_scores(self, passages: Sequence[Passage], alias_cases: set[str]) -> list[CaseScore]:
        """Every signal but the dense one (cheap: no model)."""
        full = " ".join(p.text for p in passages)
        lead = " ".join(p.text for p in passages[: LEAD_SENTENCES + 1])
        lexical, leads = self._best(self.lexical.scores(full)), self._best(self.lexical.scores(lead))
        named = self._best(self.names.scores(proper_names(". ".join(p.text for p in passages))))
        folded, item_years = fold(full), years(full)
        return [CaseScore(case.id, lexical[i], leads[i], named[i],
                          year_compatibility(item_years, self.years[i]), case.id in alias_cases,
                          mentions_day_folded(folded, self.days[i]), _found(self.places[i], folded))
                for i, case in enumerate(self.cases)]

    def _best(self, per_document: list[float]) -> list[float]:
        """Per case, the best score over its documents (languages)."""
        best = np.full(len(self.cases), 0.0)
        np.maximum.at(best, self._owner, per_document)
        return [float(x) for x in best]

    def relevance(self, text: str) -> float:
        """How close a passage is, lexically, to any case (to pick passages worth embedding)."""
        return max(self.lexical.scores(text), default=0.0)

    def worth_embedding(self, scores: Sequence[CaseScore]) -> bool:
        """Could any case plausibly reach the threshold once the dense signal is added?"""
        return any(s.alias or s.sparse_total >= EMBED_FLOOR for s in scores)

    def needs_dense(self, scores: Sequence[CaseScore]) -> bool:
        """No case is named or reaches the threshold on sparse signals alone: only the dense signal can
        link the item (such items get fewer passages embedded)."""
        return not any(s.alias or s.sparse_total >= THRESHOLD for s in scores)


def _found(pattern: re.Pattern[str] | None, folded: str) -> bool:
    return pattern is not None and pattern.search(folded) is not None


def with_dense(scores: Sequence[CaseScore], similarity: np.ndarray) -> list[CaseScore]:
    """Add the dense signal: `similarity[p, c]` is passage p's best similarity to case c's texts."""
    out = []
    for c, score in enumerate(scores):
        column = similarity[:, c] if similarity.size else np.zeros(0)
        best = int(column.argmax()) if column.size else -1
        dense = float(column[best]) if column.size else 0.0
        out.append(CaseScore(**{**score.__dict__, "dense": dense, "dense_passage": best}))
    return out


def decide(scores: Sequence[CaseScore]) -> list[CaseScore]:
    """The linked cases, best first: the top case if it reaches the threshold, and any rival that
    does too while being named by its own alias and scoring within the margin of the top."""
    ranked = sorted(scores, key=lambda s: s.total, reverse=True)
    if not ranked or ranked[0].total < THRESHOLD:
        return []
    top = ranked[0]
    rivals = [s for s in ranked[1:]
              if s.total >= THRESHOLD and s.alias and top.total - s.total <= RIVAL_MARGIN]
    return [top, *rivals]
