"""Case linking: one calibrated probability per (item, case) from lexical, dense, alias, date and place signals.

The signals of each case (`CaseScore`) and how they stand against the item's other cases (margins over the
best rival, being the top case, how alike the watchlist describes a case and the item's top one) are the
features of a learned combiner (`combiner.Combiner`, fitted by `monitor fit` on labelled sets, shipped as
matchers/models/cases.json). Every case whose probability
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

from monitor.domain.errors import ModelError
from monitor.domain.months import MONTHS
from monitor.domain.text import fold, words
from monitor.domain.watchlist import Case, Watchlist

from .combiner import Combiner
from .dates import case_day_pattern, mentions_day_folded, year_compatibility, years
from .lexical import LexicalIndex, Tfidf, terms
from .passages import Passage, sentences
from .places import place_pattern, reference_pattern, shared_reference_names
from .vocabulary import FORCE, force_words_for

LEAD_SENTENCES = 3
# The signals of one case (the base combiner's features) ...
OWN = ("lexical", "lead", "names", "content", "passage", "dense", "year", "alias", "day", "place", "unit_named",
       "force", "reference", "loose", "toll")
# ... and the case combiner's: those, plus how the case stands against the item's other cases.
FEATURES = (*OWN, "lexical_margin", "dense_margin", "top_lexical", "top_dense", "rival_alias",
            "base_margin", "top_base", "rival_likeness")
DENSE_FEATURES = ("dense", "dense_margin", "top_dense")

# Up to this many words between two words of an alias ("the 43 Ayotzinapa students" for "43 students") or
# between a toll and its noun ("22 people" and "the 22 killed"): a report inserts a name or an adjective.
GAP = 2
_GAP = rf"(?:\W+[^\W_]+){{0,{GAP}}}\W+"
# A toll: a number of one to three digits, not a part of a date, time, amount or larger number.
_TOLL = re.compile(r"(?<![\d.,:/])(\d{1,3})(?![\d%]|[.,:/]\d)")
# Words after a number that count something else than victims: months (a date), spans of time, ages.
_NOT_VICTIMS = frozenset(w for m in MONTHS for w in (m.english, *m.spanish, *m.abbreviations)) | {
    "years", "year", "anos", "ano", "days", "day", "dias", "dia", "months", "month", "meses", "mes", "hours",
    "horas", "weeks", "semanas", "km", "kilometers", "kilometros", "percent", "por"}
_NOT_A_DATE = r"(?![.,]\d)(?!\W+(?:de\W+)?(?:" + "|".join(sorted(_NOT_VICTIMS)) + r")\b)"
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


def loose_alias_pattern(case: Case) -> re.Pattern[str] | None:
    """A case's aliases of two words or more with up to GAP words between their words, in order ("los
    padres de los 43 estudiantes de Ayotzinapa" for "43 estudiantes"). An alias made only of its place's
    words is left out: the town is also every other story there."""
    place = set(terms(case.place))
    forms = [words(a) for a in case.aliases if not set(terms(a)) <= place]
    alternatives = [_GAP.join(re.escape(w) for w in form) for form in forms if len(form) > 1]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)") if alternatives else None


def toll_pattern(case: Case) -> re.Pattern[str] | None:
    """The case's tolls as its descriptions give them, a number and the words after it ("43 students were
    disappeared", "22 personas"): the same number followed, within GAP words, by one of those words. A
    report often names a case by its victims' number and nothing else."""
    found: dict[str, set[str]] = {}
    for description in case.description:
        folded = fold(description)
        for match in _TOLL.finditer(folded):
            number = match.group(1)
            noun = next((w for w in terms(" ".join(words(folded[match.end():])[:GAP])) if not w.isdigit()), "")
            if int(number) >= 3 and not number.startswith("0") and len(noun) > 2 and noun not in _NOT_VICTIMS:
                found.setdefault(number, set()).add(noun)
    alternatives = [rf"{n}{_NOT_A_DATE}{_GAP}(?:{'|'.join(map(re.escape, sorted(nouns)))})"
                    for n, nouns in sorted(found.items())]
    return re.compile(r"(?<![\d.,:/])(?:" + "|".join(alternatives) + r")(?!\w)") if alternatives else None


def case_texts(case: Case) -> list[str]:
    """The texts a passage is compared with densely: the name, each description and its sentences."""
    texts = [case.name]
    for description in case.description:
        texts.append(description)
        texts.extend(sentences(description)[:8])
    return list(dict.fromkeys(t for t in texts if t.strip()))


@dataclass(frozen=True)
class LexicalRows:
    """One item's TF-IDF cosines with the case documents (`CaseModel.lexical_rows`), made
    before its signals so that those of many items come from one call each: scikit-learn's and scipy's
    per-call overhead outweighs the words of a news item."""

    lexical: np.ndarray  # [full text, lead, each passage; document]: cosines with the case documents
    content: np.ndarray  # [document]: the full text's, less the cases' place words
    names: np.ndarray  # [document]: the item's proper names with the documents' names


@dataclass(frozen=True)
class CaseScore:
    """The signals of one case for one item, and (once decided) the combiner's probability."""

    case: str
    lexical: float
    lead: float
    names: float
    content: float  # lexical less the case's place words: what the item shares with the case beyond the town
    passage: float  # the best lexical score of one passage: a long report may speak of the case in one place
    year: int
    alias: bool  # named by an alias that is more than its place ("masacre de Allende", not "Allende")
    day: bool  # the case's day and month or the next day's (`case_day_pattern`), in an item whose years do not
    # rule out the case's
    place: bool
    unit_named: bool = False  # a unit of the case is named, or described by its area, in the item
    force: bool = False  # the item speaks of the kind of force the case's units are (soldiers, police)
    reference: bool = False  # the case named as a case by its place or alias ("the Bagua case", "caso Ayotzinapa")
    loose: bool = False  # an alias's words in order with a few words between (`loose_alias_pattern`)
    toll: bool = False  # the case's number of victims with a word its description puts after it (`toll_pattern`)
    dense: float = 0.0
    dense_passage: int = -1  # index of the passage most similar to the case
    probability: float = 0.0


def own_features(s: CaseScore) -> dict[str, float]:
    return dict(zip(OWN, _own_row(s), strict=True))


def _own_row(s: CaseScore) -> list[float]:
    return [s.lexical, s.lead, s.names, s.content, s.passage, s.dense, float(s.year), float(s.alias), float(s.day),
            float(s.place), float(s.unit_named), float(s.force), float(s.reference), float(s.loose), float(s.toll)]


def own_matrix(scores: Sequence[CaseScore]) -> np.ndarray:
    """[case, OWN feature] of one item."""
    return np.array([_own_row(s) for s in scores], dtype=float).reshape(len(scores), len(OWN))


def feature_matrix(own: np.ndarray, base: np.ndarray, nothing: float,
                   likeness: np.ndarray | None = None) -> np.ndarray:
    """[case, FEATURES] of one item: each case's own signals and how they stand against the best rival case
    (a story about one event is close to similar events too; the margin tells them apart). `base[i]` is
    case i's log-odds from its own signals alone (the base combiner), `nothing` those of a case with no
    signal at all (the rival of a case that has none). `likeness[i, j]`: how alike cases i and j are
    described (`case_likeness`; None: not at all)."""
    lexical, dense = own[:, OWN.index("lexical")], own[:, OWN.index("dense")]
    rival_lexical, rival_dense = _rival_best(lexical, 0.0), _rival_best(dense, 0.0)
    rival_base = _rival_best(base, nothing)
    rival_alias = _rival_best(own[:, OWN.index("alias")], 0.0)
    extra = np.column_stack([lexical - rival_lexical, dense - rival_dense, lexical > rival_lexical,
                             dense > rival_dense, rival_alias, base - rival_base, base > rival_base,
                             _rival_likeness(base, likeness)])
    return np.hstack([own, extra.astype(float)])


def _rival_likeness(base: np.ndarray, likeness: np.ndarray | None) -> np.ndarray:
    """For each case but the item's most probable one, how alike it is described to that one (0 for the
    most probable). A case described like the winner gets its signals from the winner's story: two
    strikes, two massacres in one town, a rule and the rule that undid it."""
    if likeness is None or len(base) < 2:
        return np.zeros(len(base))
    top = int(np.argmax(base))
    out = likeness[:, top].astype(float).copy()
    out[top] = 0.0
    return out


def case_likeness(index: LexicalIndex, owner: np.ndarray, count: int) -> np.ndarray:
    """[case, case]: the best lexical cosine between any text of one case and any of the other (the
    watchlist's own wording, so a new case gets its row without a refit); 0 on the diagonal."""
    similarity = np.asarray((index.matrix @ index.matrix.T).todense())
    out = np.zeros((count, count))
    for i in range(count):
        for j in range(i + 1, count):
            out[i, j] = out[j, i] = similarity[np.ix_(owner == i, owner == j)].max()
    return out


def _rival_best(values: np.ndarray, nothing: float) -> np.ndarray:
    """For each entry, the largest of the other entries (`nothing` when there is no other)."""
    if len(values) < 2:
        return np.full(len(values), nothing)
    order = np.argsort(values)
    first, second = values[order[-1]], values[order[-2]]
    return np.where(np.arange(len(values)) == order[-1], second, first)


def features(scores: Sequence[CaseScore], base: Sequence[float], nothing: float,
             likeness: np.ndarray | None = None) -> list[dict[str, float]]:
    """`feature_matrix` as one mapping per case (for fitting and explaining)."""
    matrix = feature_matrix(own_matrix(scores), np.asarray(base, dtype=float), nothing, likeness)
    return [dict(zip(FEATURES, (float(v) for v in row), strict=True)) for row in matrix]


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
        self.likeness = case_likeness(self.lexical, self._owner, len(self.cases))
        self._place_terms = [set(terms(c.place)) for c in self.cases]
        self.content = LexicalIndex(tfidf, documents, [self._place_terms[i] for i in self._owner])
        self.names = LexicalIndex(Tfidf([*map(proper_names, background), *names]), names, ignore)
        self.years = [years(" ".join(d)) | ({c.date.year} if c.date else set())
                      for c, d in zip(self.cases, per_case, strict=True)]
        self.places = [place_pattern(c) for c in self.cases]
        shared = shared_reference_names(self.cases)
        self.references = [reference_pattern(c, shared) for c in self.cases]
        self.loose = [loose_alias_pattern(c) for c in self.cases]
        self.tolls = [toll_pattern(c) for c in self.cases]
        self.days = [case_day_pattern(c.date) if c.date else None for c in self.cases]
        self._units = [set(c.units) for c in self.cases]
        kinds = {u.id: u.kind for u in watchlist.units}
        self._forces = [_force_pattern([kinds[u] for u in c.units if u in kinds]) for c in self.cases]
        self._base_weights, self._weights = weights_in(base, OWN), weights_in(combiner, FEATURES)
        self._bound_weights, self._bound_bias, self._floor = _dense_bound(combiner)

    def lexical_rows(self, items: Sequence[Sequence[Passage]]) -> list[LexicalRows]:
        """Each item's (its passages') TF-IDF cosines with the case documents, from one transform and one
        product per weighting for all items. A row depends on its own text only, so an item's cosines are
        the same whatever items come with it."""
        texts: list[str] = []
        starts = [0]
        for passages in items:
            texts += [" ".join(p.text for p in passages), " ".join(p.text for p in passages[: LEAD_SENTENCES + 1]),
                      *(p.text for p in passages)]
            starts.append(len(texts))
        matrix = self.lexical.tfidf.transform(texts)
        lexical, content = self.lexical.scores_of(matrix), self.content.scores_of(matrix[starts[:-1]])
        names = self.names.scores_many([proper_names(". ".join(p.text for p in passages)) for passages in items])
        return [LexicalRows(lexical[a:b], content[i], names[i])
                for i, (a, b) in enumerate(zip(starts, starts[1:], strict=False))]

    def sparse_scores(self, passages: Sequence[Passage], aliases: Mapping[str, set[str]],
                      named_units: frozenset[str] = frozenset(), rows: LexicalRows | None = None) -> list[CaseScore]:
        """Every signal but the dense one (cheap: no model). `aliases`: per case id, the alias forms found;
        `rows`: the passages' `lexical_rows` if already made."""
        full = " ".join(p.text for p in passages)
        rows = rows or self.lexical_rows([passages])[0]
        scores = rows.lexical
        lexical, leads = self._best(scores[0]), self._best(scores[1])
        passage = self._best(scores[2:].max(axis=0)) if len(passages) else [0.0] * len(self.cases)
        content, named = self._best(rows.content), self._best(rows.names)
        folded, item_years = fold(full), years(full)
        compatible = [year_compatibility(item_years, y) for y in self.years]
        # A day and month is the case's only if the item's years do not rule the case's year out.
        return [CaseScore(case.id, lexical[i], leads[i], named[i], content[i], passage[i], compatible[i],
                          self._names(i, aliases.get(case.id, ())),
                          compatible[i] >= 0 and mentions_day_folded(folded, self.days[i]),
                          _found(self.places[i], folded),
                          bool(self._units[i] & named_units), _found(self._forces[i], folded),
                          _found(self.references[i], folded), _found(self.loose[i], folded),
                          _found(self.tolls[i], folded))
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
        return self._relevance(self.lexical.scores_many(texts))

    def relevance_of(self, rows: LexicalRows, first: int) -> list[float]:
        """`relevance` of an item's passages from the `first` on, from its `lexical_rows`."""
        return self._relevance(rows.lexical[2 + first:])

    def _relevance(self, matrix: np.ndarray) -> list[float]:
        return [float(x) for x in matrix.max(axis=1)] if matrix.size else [0.0] * len(matrix)

    def decide(self, scores: Sequence[CaseScore]) -> list[CaseScore]:
        """The linked cases, most probable first: every case whose probability reaches the threshold."""
        scored = [replace(s, probability=p) for s, p in zip(scores, self.probabilities(scores), strict=True)]
        return sorted((s for s in scored if s.probability >= self.combiner.threshold),
                      key=lambda s: s.probability, reverse=True)

    def probabilities(self, scores: Sequence[CaseScore]) -> list[float]:
        return [float(p) for p in self._probabilities(own_matrix(scores))]

    def _probabilities(self, own: np.ndarray) -> np.ndarray:
        return combined(own, self.likeness, self.base, self._base_weights, self.combiner, self._weights)

    def worth_embedding(self, scores: Sequence[CaseScore]) -> bool:
        """Could some case reach the threshold if its dense similarity were as high as its sparse signals
        let it plausibly be (`dense_bound` of the fitted file), its rivals' what an unrelated case usually
        gets? If not, embedding cannot change the decision."""
        own = own_matrix(scores)
        hoped_dense = own @ self._bound_weights + self._bound_bias
        typical = own.copy()
        typical[:, OWN.index("dense")] = self._floor
        for i in range(len(scores)):
            hoped = typical.copy()
            hoped[i, OWN.index("dense")] = max(hoped_dense[i], self._floor)
            if self._probabilities(hoped)[i] >= self.combiner.threshold:
                return True
        return False

    def needs_dense(self, scores: Sequence[CaseScore]) -> bool:
        """No case reaches the threshold on the sparse signals alone: only the dense signal can link the
        item (such items get fewer passages embedded)."""
        return not any(p >= self.combiner.threshold for p in self.probabilities(scores))


def combined(own: np.ndarray, likeness: np.ndarray | None, base: Combiner, base_weights: np.ndarray,
             combiner: Combiner, weights: np.ndarray) -> np.ndarray:
    """Each case's probability from every case's own signals (`own`, OWN columns): its base log-odds, then
    the decision given its rivals' (FEATURES); the weights are `weights_in` the two combiners, read once."""
    logits = own @ base_weights + base.bias
    final = feature_matrix(own, logits, base.bias, likeness) @ weights + combiner.bias
    return 1.0 / (1.0 + np.exp(-final))


def weights_in(combiner: Combiner, names: Sequence[str]) -> np.ndarray:
    """The combiner's weights in `names` order; a feature it does not know is an error (a stale file)."""
    known = dict(zip(combiner.features, combiner.weights, strict=True))
    missing = [n for n in names if n not in known]
    if missing or len(known) != len(names):
        raise ModelError(f"the fitted case combiner does not match this version's features "
                         f"({', '.join(missing) or 'extra features'}); run `monitor fit`")
    return np.array([known[n] for n in names])


def _dense_bound(combiner: Combiner) -> tuple[np.ndarray, float, float]:
    """The fitted file's `dense_bound` as weights over OWN (0 on the dense column), bias (the line's plus its
    margin) and the floor; without one, every case may reach a similarity of 1 (everything is embedded)."""
    bound = combiner.meta.get("dense_bound")
    if not isinstance(bound, Mapping):
        return np.zeros(len(OWN)), 1.0, 0.0
    weights = bound["weights"]
    vector = np.array([float(weights.get(n, 0.0)) if n != "dense" else 0.0 for n in OWN])
    return vector, float(bound["bias"]) + float(bound["margin"]), float(bound["floor"])


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
