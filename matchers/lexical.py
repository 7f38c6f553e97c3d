"""Lexical signal: TF-IDF cosine between an item and each case's texts, in every language.

The idf comes from a background corpus (`background.BACKGROUND`, the watchlist's own texts, and the
items the caller has already seen), never from the items being linked, so a score does not depend on
which other items arrive in the same batch.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from monitor.domain.text import words

# Function words of English and Spanish: they say nothing about which case a story is about.
_FUNCTION_WORDS = """
a an the and or but if of to in on at by for with from as into onto over under about after before
is are was were be been being has have had do does did not no nor this that these those it its
he she they them his her their we our you your i me my who whom which what when where why how
there here than then so such also very can could would should may might must will shall just
more most other some any all each both few many much one own same up down out off again further
said says say told according while during since until because through between against among
el la los las un una unos unas y o pero si de del a al en con por para sin sobre entre desde hasta
es son fue fueron ser sido era eran ha han habia habian hay esta estan estaba este ese esa esos
esas estos estas eso esto lo le les se su sus que quien quienes cual cuales como cuando donde
mas muy tambien ya ni otro otra otros otras todo toda todos todas mismo misma segun dijo
"""
STOPWORDS = frozenset(_FUNCTION_WORDS.split())



def terms(text: str) -> list[str]:
    """Index terms of a text: folded words less stopwords and one-letter words.

    No stemming: on news, names carry the signal, and prefix or plural stemming merged distinct
    names more than it joined inflections (measured on the ECB+ set).
    """
    return [w for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


SparseVector = dict[str, float]


@dataclass(frozen=True)
class Idf:
    """Inverse document frequencies learnt from a background corpus; unseen terms weigh the most."""

    weights: dict[str, float]
    unseen: float

    @classmethod
    def fit(cls, documents: Iterable[str]) -> Idf:
        df: Counter[str] = Counter()
        count = 0
        for doc in documents:
            df.update(set(terms(doc)))
            count += 1
        weights = {t: math.log((1 + count) / (1 + n)) + 1.0 for t, n in df.items()}
        return cls(weights, math.log(1 + count) + 1.0)

    def vector(self, text: str) -> SparseVector:
        """Unit-length sublinear TF-IDF vector of `text`."""
        counts = Counter(terms(text))
        raw = {t: (1.0 + math.log(n)) * self.weights.get(t, self.unseen) for t, n in counts.items()}
        norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
        return {t: v / norm for t, v in raw.items()}


def cosine(a: SparseVector, b: SparseVector) -> float:
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return sum(v * large.get(t, 0.0) for t, v in small.items())


class LexicalIndex:
    """Case texts as TF-IDF vectors, with an inverted index so scoring an item is one pass."""

    def __init__(self, idf: Idf, documents: Sequence[str], ignore: Sequence[set[str]] = ()) -> None:
        """`ignore[i]`: terms that must not count for document i (they stay in its norm)."""
        self.idf = idf
        self.vectors = [idf.vector(doc) for doc in documents]
        for vector, dropped in zip(self.vectors, ignore, strict=False):
            for term in dropped & vector.keys():
                vector[term] = 0.0
        self._postings: dict[str, list[tuple[int, float]]] = {}
        for index, vector in enumerate(self.vectors):
            for term, weight in vector.items():
                self._postings.setdefault(term, []).append((index, weight))

    def scores(self, text: str) -> list[float]:
        """Cosine of `text` with every document, in document order."""
        out = [0.0] * len(self.vectors)
        for term, weight in self.idf.vector(text).items():
            for index, doc_weight in self._postings.get(term, ()):
                out[index] += weight * doc_weight
        return out

    def shared_terms(self, text: str, index: int, limit: int = 6) -> list[str]:
        """The terms that weigh most in the match of `text` with document `index` (for evidence)."""
        vector, doc = self.idf.vector(text), self.vectors[index]
        common = sorted(((vector[t] * doc[t], t) for t in vector.keys() & doc.keys()), reverse=True)
        return [t for _, t in common[:limit]]
