"""The linker: combines the signals into one `Assessment` per item.

    passages -> alias hits, area mentions, violation findings, sparse case scores   (cheap, every item)
             -> dense similarities                   (only items a case could still reach, batched)
             -> cases -> allegation -> units (touched / implicated) -> statements -> alert

Importing this module does not import torch: the encoder is passed in (see `embeddings.Encoder`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from monitor.domain.assessment import Allegation, Assessment, Evidence, Link
from monitor.domain.item import Item
from monitor.domain.text import fold
from monitor.domain.watchlist import Watchlist

from . import allegation as alleg
from . import statements as stmts
from .aliases import AliasHit, AliasIndex
from .background import BACKGROUND
from .cases import CaseModel, CaseScore, case_texts, decide, with_dense
from .embeddings import TextEncoder
from .passages import Passage, passages
from .units import AreaIndex, UnitMention, accused, named_mentions, unit_evidence

MAX_PASSAGES = 2000  # scanned by the cheap signals (a long report is read whole, up to this)
MAX_EMBEDDED = 24  # embedded per item: title, lead, then the passages closest lexically to a case
MAX_EMBEDDED_WEAK = 12  # the same when no case is named or reached on sparse signals (most such items link nothing)
LEAD = 4


@dataclass(frozen=True)
class _Prepared:
    """What the cheap signals found in one item, before any embedding."""

    passages: tuple[Passage, ...]
    hits: tuple[tuple[AliasHit, ...], ...]  # alias hits per passage
    areas: tuple[UnitMention, ...]
    findings: tuple[alleg.SentenceFinding, ...]
    sparse: tuple[CaseScore, ...]
    embed: tuple[int, ...]  # indexes of the passages to embed; () when no case can be reached


class Linker:
    """Links items to a watchlist's cases, units and statements. Holds no per-item state."""

    def __init__(self, watchlist: Watchlist, encoder: TextEncoder | None = None,
                 background: Sequence[str] = ()) -> None:
        self.watchlist, self.encoder = watchlist, encoder
        self.aliases, self.areas = AliasIndex(watchlist), AreaIndex(watchlist)
        self.cases = CaseModel(watchlist, [*BACKGROUND, *background])
        self._case_texts = [case_texts(c) for c in watchlist.cases]
        self._text_matrix: np.ndarray | None = None
        self.statements = [stmts.profile(s, watchlist.case_by_id) for s in watchlist.statements]
        self.allegations = alleg.Detector(encoder)

    def assess(self, item: Item) -> Assessment:
        return self.assess_many([item])[0]

    def assess_many(self, items: Sequence[Item]) -> list[Assessment]:
        """Assess a batch; the passages of all items that need embeddings are encoded together."""
        prepared = [self._prepare(item) for item in items]
        vectors = self._embed(prepared)
        return [self._assess(p, vectors.get(i)) for i, p in enumerate(prepared)]

    # -- cheap signals -------------------------------------------------------------------------

    def _prepare(self, item: Item) -> _Prepared:
        found = tuple(passages(item)[:MAX_PASSAGES])
        hits = tuple(tuple(self.aliases.find(p.text)) for p in found)
        alias_cases = {h.id for row in hits for h in row if h.target == "case"}
        sparse = tuple(self.cases.sparse_scores(found, alias_cases))
        areas = tuple(m for p in found for m in self.areas.find(p))
        names_unit = bool(areas) or any(h.target == "unit" for row in hits for h in row)
        embed: tuple[int, ...] = ()
        if self.encoder is not None and (names_unit or self.cases.worth_embedding(sparse)):
            cap = MAX_EMBEDDED_WEAK if self.cases.needs_dense(sparse) else MAX_EMBEDDED
            embed = self._choose_passages(found, cap)
        return _Prepared(found, hits, areas, tuple(alleg.findings(found)), sparse, embed)

    def _choose_passages(self, found: Sequence[Passage], cap: int) -> tuple[int, ...]:
        if len(found) <= cap:
            return tuple(range(len(found)))
        rest = range(LEAD, len(found))
        relevance = {i: self.cases.relevance(found[i].text) for i in rest}
        best = sorted(rest, key=lambda i: relevance[i], reverse=True)[: cap - LEAD]
        return tuple(sorted([*range(LEAD), *best]))

    # -- dense signal --------------------------------------------------------------------------

    def _embed(self, prepared: Sequence[_Prepared]) -> dict[int, np.ndarray]:
        wanted = [(i, j) for i, p in enumerate(prepared) for j in p.embed]
        if not wanted or self.encoder is None:
            return {}
        matrix = self.encoder.encode([prepared[i].passages[j].text for i, j in wanted])
        out: dict[int, list[np.ndarray]] = {}
        for (i, _), row in zip(wanted, matrix, strict=True):
            out.setdefault(i, []).append(row)
        return {i: np.stack(rows) for i, rows in out.items()}

    def _case_similarity(self, vectors: np.ndarray) -> np.ndarray:
        """[passage, case]: each passage's best cosine with any text of the case."""
        texts = [t for group in self._case_texts for t in group]
        assert self.encoder is not None
        if self._text_matrix is None:
            self._text_matrix = self.encoder.encode(texts)
        starts = np.cumsum([0, *map(len, self._case_texts)])[:-1]
        return np.maximum.reduceat(vectors @ self._text_matrix.T, starts, axis=1)

    # -- decision ------------------------------------------------------------------------------

    def _assess(self, prepared: _Prepared, vectors: np.ndarray | None) -> Assessment:
        scores: Sequence[CaseScore] = prepared.sparse
        if vectors is not None and self.watchlist.cases:
            scores = with_dense(scores, self._case_similarity(vectors))
        linked = decide(scores)
        embedded = [prepared.passages[i] for i in prepared.embed]
        allegation = self.allegations.allegation(prepared.findings, about_case=bool(linked), embedded=embedded,
                                                 vectors=vectors)
        case_links = [self._case_link(s, prepared, allegation) for s in linked]
        unit_links = self._unit_links(prepared, case_links)
        if allegation is not None:
            naming = self._naming(prepared, {s.case for s in linked}, {u.id for u in unit_links if u.implicated})
            allegation = self.allegations.allegation(prepared.findings, about_case=bool(linked), naming=naming,
                                                     embedded=embedded, vectors=vectors)
        implicated = tuple(u.id for u in unit_links if u.implicated and allegation is not None)
        statement_links = self._statement_links(prepared, vectors, linked, allegation)
        at_risk = tuple(dict.fromkeys(r.id for uid in implicated for r in self.watchlist.at_risk(uid)))
        notes = _notes(linked, allegation, unit_links, at_risk)
        return Assessment(tuple(case_links), tuple(unit_links), tuple(statement_links), allegation,
                          implicated, at_risk, bool(at_risk), notes)

    def _case_link(self, score: CaseScore, prepared: _Prepared, allegation: Allegation | None) -> Link:
        evidence = list(_case_evidence(score, prepared))
        return Link("case", score.case, round(score.total, 3), tuple(evidence),
                    implicated=allegation is not None)

    def _unit_links(self, prepared: _Prepared, case_links: Sequence[Link]) -> list[Link]:
        mentions = [m for p, row in zip(prepared.passages, prepared.hits, strict=True)
                    for m in named_mentions(p, row)] + list(prepared.areas)
        by_passage = {f.passage: f for f in prepared.findings}
        links: dict[str, Link] = {}
        for mention in mentions:
            accuses = accused(mention, by_passage.get(mention.passage))
            links[mention.unit] = _merge(links.get(mention.unit), mention, accuses)
        for case in case_links:
            for uid in self.watchlist.case_by_id[case.id].units:
                links[uid] = _through_case(uid, links.get(uid), case)
        return list(links.values())

    def _naming(self, prepared: _Prepared, cases: set[str], units: set[str]) -> set[Passage]:
        """Passages that name a linked case (alias or place) or an implicated unit (alias or area)."""
        named = {p for p, row in zip(prepared.passages, prepared.hits, strict=True)
                 if any(h.id in (cases if h.target == "case" else units) for h in row)}
        named.update(m.passage for m in prepared.areas if m.unit in units)
        places = [self.cases.places[i] for i, c in enumerate(self.watchlist.cases) if c.id in cases]
        named.update(f.passage for f in prepared.findings
                     if any(p is not None and p.search(fold(f.passage.text)) for p in places))
        return named

    def _statement_links(self, prepared: _Prepared, vectors: np.ndarray | None, linked: Sequence[CaseScore],
                         allegation: Allegation | None) -> list[Link]:
        cases = {s.case for s in linked}
        window = [prepared.passages[i] for i in _on_case(prepared, linked)]
        out = []
        for found in self.statements:
            tied = set(found.statement.cases)
            if tied and not tied & cases:
                continue
            hits = stmts.concept_hits(found, window if tied else prepared.passages)
            link = stmts.link(found, hits, self._dense_match(found, prepared, vectors), allegation)
            if link is not None:
                out.append(link)
        return stmts.closest_per_case(out, self.watchlist.statements)

    def _dense_match(self, found: stmts.StatementProfile, prepared: _Prepared,
                     vectors: np.ndarray | None) -> stmts.DenseMatch | None:
        """The embedded passage closest to the statement, relative to its closeness to the statement's cases."""
        if vectors is None or self.encoder is None or not len(vectors):
            return None
        similarity = vectors @ self.encoder.encode([found.statement.text])[0]
        if found.statement.cases:
            index = {c.id: i for i, c in enumerate(self.watchlist.cases)}
            columns = [index[c] for c in found.statement.cases]
            similarity = similarity - self._case_similarity(vectors)[:, columns].max(1)
        best = int(similarity.argmax())
        return stmts.DenseMatch(prepared.passages[prepared.embed[best]], float(similarity[best]))


def _on_case(prepared: _Prepared, linked: Sequence[CaseScore], reach: int = 2) -> list[int]:
    """Passages that speak of a linked case: the lead, and the neighbourhood of a passage naming the case
    or closest to it. A long report's passing mention of the army elsewhere says nothing of the case."""
    cases = {s.case for s in linked}
    anchors = [i for i, row in enumerate(prepared.hits) if any(h.target == "case" and h.id in cases for h in row)]
    anchors += [prepared.embed[s.dense_passage] for s in linked if s.dense_passage >= 0]
    keep = set(range(min(len(prepared.passages), LEAD + 1)))
    keep.update(j for i in anchors for j in range(i - reach, i + reach + 1) if 0 <= j < len(prepared.passages))
    return sorted(keep)


def _case_evidence(score: CaseScore, prepared: _Prepared) -> list[Evidence]:
    out = [Evidence("alias", p.text, h.matched, 1.0, p.page)
           for p, row in zip(prepared.passages, prepared.hits, strict=True)
           for h in row if h.target == "case" and h.id == score.case][:3]
    if score.dense_passage >= 0:
        p = prepared.passages[prepared.embed[score.dense_passage]]
        out.append(Evidence("dense", p.text, "closest passage to the case texts", round(score.dense, 3), p.page))
    title = prepared.passages[0]
    out.append(Evidence("lexical", title.text, f"tf-idf {score.lexical:.2f}, lead {score.lead:.2f}, "
                        f"names {score.names:.2f}", round(score.lexical, 3), title.page))
    if score.day or score.place or score.year:
        out.append(Evidence("date" if score.day or score.year else "place", title.text,
                            f"day {score.day}, place {score.place}, years {score.year:+d}", 1.0, title.page))
    return out


def _merge(previous: Link | None, mention: UnitMention, accuses: bool) -> Link:
    """One link per unit: a name beats an area, an accusing passage beats a neutral one."""
    evidence = unit_evidence(mention)
    via = "named" if mention.via == "named" or (previous and previous.via == "named") else "area"
    score = 1.0 if via == "named" else 0.6
    if previous is None:
        return Link("unit", mention.unit, score, (evidence,), via, accuses)
    return Link("unit", mention.unit, score, (*previous.evidence, evidence)[:4], via,
                previous.implicated or accuses)


def _through_case(unit: str, previous: Link | None, case: Link) -> Link:
    evidence = Evidence("case", case.evidence[0].passage if case.evidence else "", f"unit of case {case.id}",
                        case.score)
    if previous is None:
        return Link("unit", unit, case.score, (evidence,), "case", case.implicated)
    return Link("unit", previous.id, previous.score, (*previous.evidence, evidence), previous.via,
                previous.implicated or case.implicated)


def _notes(linked: Sequence[CaseScore], allegation: Allegation | None, units: Sequence[Link],
           at_risk: Sequence[str]) -> tuple[str, ...]:
    notes = [f"case {s.case}: {s.total:.2f} = lexical {s.lexical:.2f} lead {s.lead:.2f} names {s.names:.2f} "
             f"dense {s.dense:.2f} alias {s.alias} day {s.day} place {s.place} years {s.year:+d}"
             for s in linked] or ["no case reached the threshold"]
    notes.append(f"allegation: {', '.join(allegation.types)} (p={allegation.probability})" if allegation
                 else "no allegation")
    notes.extend(f"unit {u.id} via {u.via}: {'implicated' if u.implicated and allegation else 'touched'}"
                 for u in units)
    if at_risk:
        notes.append(f"alert: supported units at risk {', '.join(at_risk)}")
    return tuple(notes)
