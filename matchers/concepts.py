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

from collections.abc import Iterable

from .lexicon import render, vocabulary

_CONCEPTS = vocabulary("concepts")  # lexicon/<lang>/concepts.yaml
COUNTERS: dict[str, tuple[str, ...]] = {
    "confrontation": ("unlawful killing", "execution", "surrender"),
    "self-defence": ("unlawful killing", "execution", "surrender"),
}


def concepts(text: str) -> set[str]:
    """The concepts a text (raw or folded) speaks of."""
    return _CONCEPTS.names_in(render(text))


def concept_terms(text: str, wanted: Iterable[str]) -> list[tuple[str, str]]:
    """(concept, matched words) for each wanted concept found in a text, the first match of each."""
    found: dict[str, str] = {}
    for hit in _CONCEPTS.find(render(text), wanted):
        found.setdefault(hit.entry.name, hit.words)
    return [(name, found[name]) for name in wanted if name in found]


def counters(claim: Iterable[str]) -> set[str]:
    """The concepts that would contradict a claim made of these concepts."""
    return {c for concept in claim for c in COUNTERS.get(concept, ())}
