"""A small bilingual (EN/ES) lexicon of the concepts talking points are made of.

The dense model reads English only, so a Spanish story about "militares" and a statement about "the
Army" share no words and no vectors. Both sides are mapped to concepts here ("military",
"training", "confrontation"...) and compared as concepts. Entries are domain vocabulary (forces,
training, use of force, jurisdiction, kinds of abuse), not phrases of any one story; they live in
`lexicon/<lang>/concepts.yaml`.

`COUNTERS` lists the concepts that contradict a claim: a story that finds extrajudicial executions
bears on "the deaths happened in an armed confrontation" without using its words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import simplemma

from monitor.domain.text import fold

from .lexical import STOPWORDS
from .lexicon import render, vocabulary

_CONCEPTS = vocabulary("concepts")  # lexicon/<lang>/concepts.yaml
_KILLED_UNLAWFULLY = ("unlawful killing", "execution", "surrender", "excessive force", "forensic", "scene tampering")
ACTORS = ("military", "navy", "paramilitaries", "armed civilians")  # who a claim speaks of, not what it says
COUNTERS: dict[str, tuple[str, ...]] = {
    "confrontation": _KILLED_UNLAWFULLY,
    "self-defence": _KILLED_UNLAWFULLY,
    "attack on forces": _KILLED_UNLAWFULLY,
    "lawful force": _KILLED_UNLAWFULLY,
    "escape attempt": _KILLED_UNLAWFULLY,
    "unarmed": ("forensic", "excessive force", "firearms"),
    "isolated acts": ("systematic practice",),
    "accountability": ("impunity",),
    "non-lethal": ("firearms", "unlawful killing", "excessive force"),
    "compliance": ("non-compliance", "impunity"),
    "no evidence": ("accountability",),
    "combatants": ("civilians", "execution", "unlawful killing"),
    "case closed": ("reopened",),
    "intercommunal": ("omission", "paramilitaries"),
}


# What shows that an act a statement denies of its case did happen (`statements.denied_told`), beyond the act's own
# words: the people a denial says no one disappeared seen leaving alive in the forces' hands.
REFUTES: dict[str, tuple[str, ...]] = {"disappearance": ("left alive",)}


def concepts(text: str) -> set[str]:
    """The concepts a text (raw or folded) speaks of."""
    return _CONCEPTS.names_in(render(text))


def concept_terms(text: str, wanted: Iterable[str]) -> list[tuple[str, str]]:
    """(concept, matched words) for each wanted concept found in a text, the first match of each."""
    found: dict[str, str] = {}
    for hit in _CONCEPTS.find(render(text), wanted):
        found.setdefault(hit.entry.name, hit.words)
    return [(name, found[name]) for name in wanted if name in found]


def last_concept(text: str) -> str | None:
    """The concept a claim ends on, forces left out: in English and Spanish a claim names its subject first and
    says what of it after ("none of the soldiers charged had been trained": training; "the deaths happened in a
    confrontation": confrontation), so the last concept is most often what it asserts or denies."""
    rendered = render(text)
    hits = [h for h in _CONCEPTS.find(rendered, sorted(_CONCEPTS.names_in(rendered) - set(ACTORS)))]
    return max(hits, key=lambda h: (h.language != "re", h.start)).entry.name if hits else None


def counters(claim: Iterable[str]) -> set[str]:
    """The concepts that would contradict a claim made of these concepts."""
    return {c for concept in claim for c in COUNTERS.get(concept, ())}


# -- claim words: what a statement says beyond its case, as keys both languages can meet on -----------

STEM = 5  # "militar"/"military", "archivos"/"archives", "institucional"/"institutional" meet at 5 letters
COMMON = 6.0  # a word this frequent (Zipf 6: once in a thousand words) or more weighs nothing
CONCEPT = 1.5  # a concept of the lexicon (curated domain wording) weighs at least as a word of Zipf 4.5
_TOKEN = re.compile(r"[^\W\d_]{3,}")


@lru_cache(maxsize=50_000)
def _key(word: str) -> str | None:
    """The key of one lower-cased word: its EN/ES lemma, folded, cut to `STEM` letters; None for a function
    word."""
    if fold(word) in STOPWORDS:
        return None
    lemma = fold(simplemma.lemmatize(word, lang=("en", "es")))
    return None if lemma in STOPWORDS else lemma[:STEM]


@lru_cache(maxsize=50_000)
def rarity(word: str) -> float:
    """How much a word says: 0 for words every text uses, more the rarer it is in English and Spanish."""
    from wordfreq import zipf_frequency  # here: its import and word lists cost a second, paid by statements only

    common = max(zipf_frequency(word, "en"), zipf_frequency(word, "es"))
    return max(0.0, COMMON - common)


def claim_keys(text: str) -> frozenset[str]:
    """The keys of a text: its words' stems and its concepts (`#name`): a Spanish passage meets an English
    statement on cognates ("uniformes clonados") and on the concept lexicon ("militares", "the Army")."""
    keys = {k for w in _TOKEN.findall(text.lower()) if (k := _key(w)) is not None}
    return frozenset(keys | {f"#{c}" for c in concepts(text)})


def weighted_keys(text: str) -> dict[str, float]:
    """`claim_keys` with the weight of each: the rarity of its rarest word in the text (a concept: of the
    words that matched it, at least `CONCEPT`)."""
    out: dict[str, float] = {}
    for word in _TOKEN.findall(text.lower()):
        key = _key(word)
        if key is not None:
            out[key] = max(out.get(key, 0.0), rarity(word))
    names = sorted(concepts(text))
    for name, matched in concept_terms(fold(text), names):
        out[f"#{name}"] = max([CONCEPT, *(rarity(w) for w in _TOKEN.findall(matched.lower()))])
    return out
