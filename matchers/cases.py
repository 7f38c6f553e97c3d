"""Case linking: one calibrated probability per (item, case) from lexical, dense, alias, date and place signals.

The signals of each case (`CaseScore`) and how they stand against the item's other cases (margins over the
best rival, being the top case) are the features of a learned combiner (`combiner.Combiner`, fitted by
`monitor fit` on labelled sets, shipped as matchers/models/cases.json). Every case whose probability
reaches the combiner's threshold is linked. The features say nothing of any particular case, so a case
added to a watchlist links without a refit.

Lexical beats dense on telling two similar events apart (the names differ), dense catches paraphrase
and the other language; the combiner weighs them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from monitor.watchlist import Case, Watchlist

from .combiner import Combiner
from .dates import day_pattern, mentions_day_folded, year_compatibility, years
from .lexical import LexicalIndex, Tfidf, terms
from .places import place_pattern
from .text import Passage, fold, sentences
from .vocabulary import FORCE, force_words_for

LEAD_SENTENCES = 3
# The signals of one case (the base combiner's features) ...
OWN = ("lexical", "lead", "names", "content", "dense", "year", "alias", "day", "place", "unit_named", "force")
# ... and the case combiner's: those, plus how the case stands against the item's other cases.
FEATURES = (*OWN, "lexical_margin", "dense_margin", "top_lexical", "top_dense", "rival_alias",
            "base_margin", "top_base")
DENSE_FEATURES = ("dense", "dense_margin", "top_dense")

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
    """The signals of one case for one item, and (once decided) the combiner's probability."""

    case: str
    lexical: float
    lead: float
    names: float
    content: float  # lexical less the case's place words: what the item shares with the case beyond the town
    year: int
    alias: bool  # named by an alias that is more than its place ("masacre de Allende", not "Allende")
    day: bool
    place: bool
    unit_named: bool = False  # a unit of the case is named, or described by its area, in the item
    force: bool = False  # the item speaks of the kind of force the case's units are (soldiers, police)
    dense: float = 0.0
    dense_passage: int = -1  # index of the passage most similar to the case
    probability: float = 0.0


def own_features(s: CaseScore) -> dict[str, float]:
    return {"lexical": s.lexical, "lead": s.lead, "names": s.names, "content": s.content, "dense": s.dense,
            "year": float(s.year),
            "alias": float(s.alias), "day": float(s.day), "place": float(s.place), "unit_named": float(s.unit_named),
            "force": float(s.force)}


def features(scores: Sequence[CaseScore], base: Sequence[float], nothing: float) -> list[dict[str, float]]:
    """The case combiner's features of every case of one item: its own signals and how they stand against
    the best rival case (a story about one event is close to similar events too; the margin tells them
    apart). `base[i]` is case i's log-odds from its own signals alone (the base combiner), `nothing` those of
    a case with no signal at all (the rival of a case that has none)."""
    out = []
    for i, s in enumerate(scores):
        rivals = [r for j, r in enumerate(scores) if j != i]
        best_lexical = max((r.lexical for r in rivals), default=0.0)
        best_dense = max((r.dense for r in rivals), default=0.0)
        best_base = max((b for j, b in enumerate(base) if j != i), default=nothing)
        out.append({**own_features(s), "lexical_margin": s.lexical - best_lexical,
                    "dense_margin": s.dense - best_dense, "top_lexical": float(s.lexical > best_lexical),
                    "top_dense": float(s.dense > best_dense), "rival_alias": float(any(r.alias for r in rivals)),
                    "base_margin": base[i] - best_base, "top_base": float(base[i] > best_base)})
    return out


class CaseModel:
    """The watchlist's cases prepared for scoring: TF-IDF indexes, dense texts, date and place patterns,
    and the combiner that turns their signals into a decision."""

    def __init__(self, watchlist: Watchlist, background: Sequence[str], base: Combiner,
                 combiner: Combiner) -> None:
        """`base`: log-odds of a case from its own signals; `combiner`: the decision, given those of every case."""
        self.cases, self.base, self.combiner = watchlist.cases, base, combiner
        per_case = [case_documents(c) for c in self.cases]
        documents = [d for docs in per_case for d in docs]
        names = [proper_names(d) for d in documents]
        self._owner = np.repeat(np.arange(len(self.cases)), [len(d) for d in per_case])
        ignore = [broad_terms(c) for c in self.cases for _ in case_documents(c)]
        tfidf = Tfidf([*background, *documents])
        self.lexical = LexicalIndex(tfidf, documents, ignore)
        self._place_terms = [set(terms(c.place)) for c in self.cases]
        self.content = LexicalIndex(tfidf, documents, [self._place_terms[i] for i in self._owner])
        self.names = LexicalIndex(Tfidf([*map(proper_names, background), *names]), names, ignore)
        self.years = [years(" ".join(d)) | ({c.date.year} if c.date else set())
                      for c, d in zip(self.cases, per_case, strict=True)]
        self.places = [place_pattern(c) for c in self.cases]
        self.days = [day_pattern(c.date) if c.date else None for c in self.cases]
        self._units = [set(c.units) for c in self.cases]
        kinds = {u.id: u.kind for u in watchlist.units}
        self._forces = [_force_pattern([kinds[u] for u in c.units if u in kinds]) for c in self.cases]
        self._ceiling = _dense_ceiling(combiner)

    def sparse_scores(self, passages: Sequence[Passage], aliases: Mapping[str, set[str]],
                      named_units: frozenset[str] = frozenset()) -> list[CaseScore]:
        """Every signal but the dense one (cheap: no model). `aliases`: per case id, the alias forms found."""
        full = " ".join(p.text for p in passages)
        lead = " ".join(p.text for p in passages[: LEAD_SENTENCES + 1])
        both = self.lexical.scores_many([full, lead])
        lexical, leads = self._best(both[0]), self._best(both[1])
        content = self._best(self.content.scores_many([full])[0])
        named = self._best(self.names.scores_many([proper_names(". ".join(p.text for p in passages))])[0])
        folded, item_years = fold(full), years(full)
        return [CaseScore(case.id, lexical[i], leads[i], named[i], content[i],
                          year_compatibility(item_years, self.years[i]), self._names(i, aliases.get(case.id, ())),
                          mentions_day_folded(folded, self.days[i]), _found(self.places[i], folded),
                          bool(self._units[i] & named_units), _found(self._forces[i], folded))
                for i, case in enumerate(self.cases)]

    def _names(self, index: int, forms: Iterable[str]) -> bool:
        """Is some alias found more than the case's place? A town's name is also every other story there."""
        return any(not set(terms(form)) <= self._place_terms[index] for form in forms)

    def _best(self, per_document: np.ndarray) -> list[float]:
        """Per case, the best score over its documents (languages)."""
        best = np.full(len(self.cases), 0.0)
        np.maximum.at(best, self._owner, per_document)
        return [float(x) for x in best]

    def relevance(self, texts: Sequence[str]) -> list[float]:
        """How close each passage is, lexically, to any case (to pick passages worth embedding)."""
        matrix = self.lexical.scores_many(texts)
        return [float(x) for x in matrix.max(axis=1)] if matrix.size else [0.0] * len(texts)

    def decide(self, scores: Sequence[CaseScore]) -> list[CaseScore]:
        """The linked cases, most probable first: every case whose probability reaches the threshold."""
        scored = [replace(s, probability=p) for s, p in zip(scores, self.probabilities(scores), strict=True)]
        return sorted((s for s in scored if s.probability >= self.combiner.threshold),
                      key=lambda s: s.probability, reverse=True)

    def probabilities(self, scores: Sequence[CaseScore]) -> list[float]:
        base = [self.base.logit(own_features(s)) for s in scores]
        return [self.combiner.probability(f) for f in features(scores, base, self.base.bias)]

    def worth_embedding(self, scores: Sequence[CaseScore]) -> bool:
        """Could some case reach the threshold if its dense similarity were the best a linked case had in
        the fit data (its rivals keeping none)? If not, embedding cannot change the decision."""
        for i, score in enumerate(scores):
            hoped = [*scores[:i], replace(score, dense=self._ceiling), *scores[i + 1:]]
            if self.probabilities(hoped)[i] >= self.combiner.threshold:
                return True
        return False

    def needs_dense(self, scores: Sequence[CaseScore]) -> bool:
        """No case reaches the threshold on the sparse signals alone: only the dense signal can link the
        item (such items get fewer passages embedded)."""
        return not any(p >= self.combiner.threshold for p in self.probabilities(scores))


def _dense_ceiling(combiner: Combiner) -> float:
    """The largest dense similarity of a linked case in the fit data (kept in the fitted file's meta)."""
    ceiling = combiner.meta.get("dense_ceiling", 1.0)
    return float(ceiling) if isinstance(ceiling, int | float) else 1.0


def _force_pattern(kinds: Sequence[str]) -> re.Pattern[str]:
    """Force wording for a case's units (any security force for a case without units)."""
    words = dict.fromkeys(force_words_for(k) for k in kinds) or {FORCE: None}
    return re.compile(r"\b(?:" + "|".join(words) + r")\b")


def _found(pattern: re.Pattern[str] | None, folded: str) -> bool:
    return pattern is not None and pattern.search(folded) is not None


def with_dense(scores: Sequence[CaseScore], similarity: np.ndarray) -> list[CaseScore]:
    """Add the dense signal: `similarity[p, c]` is passage p's best similarity to case c's texts."""
    out = []
    for c, score in enumerate(scores):
        column = similarity[:, c] if similarity.size else np.zeros(0)
        best = int(column.argmax()) if column.size else -1
        dense = float(column[best]) if column.size else 0.0
        out.append(replace(score, dense=dense, dense_passage=best))
    return out
