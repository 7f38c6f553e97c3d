"""Lexical signal: TF-IDF cosine between an item and each case's texts, in every language.

The weighting is scikit-learn's `TfidfVectorizer` (sublinear tf, smoothed idf). Its idf is fitted on a
background corpus (`background.BACKGROUND`, the watchlist's own texts, and the items the caller has
already seen), never on the items being linked, so a score does not depend on which other items arrive
in the same batch. Terms are our own (`terms`: accent-folded words less EN/ES function words).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

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


def _given(tokens: list[str]) -> list[str]:
    """The vectorizer's analyzer: documents arrive already split by `terms` (each text is split once)."""
    return tokens


class Tfidf:
    """A `TfidfVectorizer` fitted on a background corpus, with unit-length rows.

    A term the background never saw gets the idf of a term in no document (the largest) and still counts
    in the item's norm: a story full of words no case uses must not look close to a case because only its
    few common words were kept.
    """

    def __init__(self, background: Iterable[str]) -> None:
        documents = [terms(d) for d in background]
        self.vectorizer = TfidfVectorizer(analyzer=_given, sublinear_tf=True, norm=None, dtype=np.float64)
        self.vectorizer.fit(documents)
        self.vocabulary: dict[str, int] = self.vectorizer.vocabulary_
        self.unseen = math.log(1 + len(documents)) + 1.0  # smooth_idf's weight for document frequency 0

    def idf(self, term: str) -> float:
        index = self.vocabulary.get(term)
        return float(self.vectorizer.idf_[index]) if index is not None else self.unseen

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Unit-length sublinear TF-IDF rows, one per text (columns: the background's vocabulary)."""
        if not texts:
            return sparse.csr_matrix((0, len(self.vocabulary)))
        tokens = [terms(t) for t in texts]
        matrix = sparse.csr_matrix(self.vectorizer.transform(tokens))
        unseen = np.array([self._unseen_mass(t) for t in tokens])
        rows = np.repeat(np.arange(len(texts)), np.diff(matrix.indptr))
        norms = np.sqrt(np.bincount(rows, weights=matrix.data ** 2, minlength=len(texts)) + unseen)
        norms[norms == 0] = 1.0
        matrix.data /= norms[rows]
        return matrix

    def _unseen_mass(self, tokens: list[str]) -> float:
        counts: dict[str, int] = {}
        for t in tokens:
            if t not in self.vocabulary:
                counts[t] = counts.get(t, 0) + 1
        return sum(((1.0 + math.log(n)) * self.unseen) ** 2 for n in counts.values())


class LexicalIndex:
    """Case texts as TF-IDF rows; scoring an item is one sparse product."""

    def __init__(self, tfidf: Tfidf, documents: Sequence[str], ignore: Sequence[set[str]] = ()) -> None:
        """`ignore[i]`: terms that must not count for document i (they stay in its norm)."""
        self.tfidf = tfidf
        matrix = tfidf.transform(documents).tolil()
        for row, dropped in enumerate(ignore):
            for term in dropped:
                column = tfidf.vocabulary.get(term)
                if column is not None:
                    matrix[row, column] = 0.0
        self.matrix = sparse.csr_matrix(matrix)
        self.matrix.eliminate_zeros()
        # kept as CSR: a sparse product converts its right operand to CSR, once here rather than per call
        self._transposed = sparse.csr_matrix(self.matrix.T)

    def scores(self, text: str) -> list[float]:
        """Cosine of `text` with every document, in document order."""
        return [float(x) for x in self.scores_many([text])[0]]

    def scores_many(self, texts: Sequence[str]) -> np.ndarray:
        """[text, document] cosines."""
        if not texts:
            return np.zeros((0, self.matrix.shape[0]))
        return self.scores_of(self.tfidf.transform(texts))

    def scores_of(self, vectors: sparse.csr_matrix) -> np.ndarray:
        """[row, document] cosines of rows already made by this index's `tfidf`."""
        return np.asarray((vectors @ self._transposed).todense())

    def shared_terms(self, text: str, index: int, limit: int = 6) -> list[str]:
        """The terms that weigh most in the match of `text` with document `index` (for evidence)."""
        product = self.tfidf.transform([text]).multiply(self.matrix[index]).tocoo()
        names = self.tfidf.vectorizer.get_feature_names_out()
        ranked = sorted(zip(product.data, product.col, strict=True), reverse=True)
        return [str(names[c]) for _, c in ranked[:limit]]
