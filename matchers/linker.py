"""The linker: combines the signals into one `Assessment` per item.

    passages -> alias hits, area mentions, violation findings, sparse case scores   (cheap, every item)
             -> dense similarities                   (only items a case could still reach, batched)
             -> cases -> allegation -> units (touched / implicated) -> statements -> alert

Importing this module does not import torch: the encoder is passed in (see `embeddings.Encoder`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from monitor.domain.assessment import Allegation, Assessment, Evidence, Link
from monitor.domain.item import Item
from monitor.domain.text import fold
from monitor.domain.watchlist import Watchlist

from . import allegation as alleg
from . import statements as stmts
from .aliases import AliasHit, AliasIndex
from .background import BACKGROUND
from .cases import CaseModel, CaseScore, LexicalRows, case_texts, with_dense
from .concepts import claim_keys
from .embeddings import Encoder, TextEncoder
from .fitted import Models
from .passages import Passage, passages
from .units import (
    AreaIndex,
    UnitMention,
    accused,
    accused_nearby,
    back_references,
    named_mentions,
    names_accused,
    unit_evidence,
    with_named_actor,
)
from .vocabulary import own_nouns, unit_force

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
    mentions: tuple[UnitMention, ...]  # the units named by alias, then those placed by `areas`
    findings: tuple[alleg.SentenceFinding, ...]
    sparse: tuple[CaseScore, ...]
    embed: tuple[int, ...]  # indexes of the passages to embed; () when no case can be reached


class Linker:
    """Links items to a watchlist's cases, units and statements. Holds no per-item state."""

    def __init__(self, watchlist: Watchlist, encoder: TextEncoder | None = None,
                 background: Sequence[str] = (), models: Models | None = None) -> None:
        """`models`: the fitted combiners (default: the ones shipped in matchers/models/)."""
        self.watchlist, self.encoder = watchlist, encoder
        self.models = models or Models.load()
        self.aliases, self.areas = AliasIndex(watchlist), AreaIndex(watchlist)
        self._nouns = {u.id: own_nouns(u.kind) for u in watchlist.units}  # for back-references ("the battalion")
        self.cases = CaseModel(watchlist, [*BACKGROUND, *background], self.models.case_base, self.models.cases)
        self._case_texts = [case_texts(c) for c in watchlist.cases]
        self._text_matrix: np.ndarray | None = None
        self._warm = False  # the fixed texts are in the encoder's cache
        self.statements = [stmts.profile(s, watchlist.case_by_id) for s in watchlist.statements]
        self.stances = stmts.Stances()
        self._stance_matrix: np.ndarray | None = None
        self.allegations = alleg.Detector(encoder) if self.models.allegation is None else \
            alleg.Detector(encoder, self.models.allegation)


    def warm_up(self) -> None:
        """Embed the watchlist's texts and the allegation prototypes now, in one pass, rather than with the
        first items that need them (an `Encoder` with a cache folder reads them from disk when it can)."""
        if isinstance(self.encoder, Encoder):
            self.encoder.warm(self._fixed_texts())
        elif self.encoder is not None:
            self.encoder.encode(self._fixed_texts())
        self._warm = self.encoder is not None

    def _fixed_texts(self) -> list[str]:
        """The texts every item is compared with: case texts, statements and their clauses, the stance sentences
        and the allegation prototypes."""
        prototypes = self.allegations.prototypes
        return [*(t for group in self._case_texts for t in group),
                *(t for s in self.statements for t in (s.statement.text, *s.clauses)), *self.stances.texts,
                *(prototypes.texts if prototypes is not None else ())]

    def assess(self, item: Item) -> Assessment:
        return self.assess_many([item])[0]

    def assess_many(self, items: Sequence[Item]) -> list[Assessment]:
        """Assess a batch; the passages of all items that need embeddings are encoded together."""
        prepared = self._prepare_many(items)
        vectors = self._embed(prepared)
        return [self._assess(p, vectors.get(i)) for i, p in enumerate(prepared)]

    def case_signals(self, items: Sequence[Item]) -> list[list[CaseScore]]:
        """Every case's signals for each item, dense included whatever the prefilter says: the rows a case
        combiner is fitted on (`monitor fit`)."""
        prepared = self._prepare_many(items, embed_all=True)
        vectors = self._embed(prepared)
        return [self._case_scores(p, vectors.get(i)) for i, p in enumerate(prepared)]

    def statement_signals(self, items: Sequence[Item]) -> list[tuple[list[stmts.Signals], Allegation | None]]:
        """The signals of every statement in play for each item, as linking sees them: the rows a
        statement combiner is fitted on."""
        prepared = self._prepare_many(items)
        vectors = self._embed(prepared)
        out = []
        for i, p in enumerate(prepared):
            linked = self.cases.decide(self._case_scores(p, vectors.get(i)))
            allegation = self._allegation(p, linked, vectors.get(i))
            out.append((self._statement_signals(p, vectors.get(i), linked), allegation))
        return out

    # -- cheap signals -------------------------------------------------------------------------

    def _prepare(self, item: Item, embed_all: bool = False) -> _Prepared:
        return self._prepare_many([item], embed_all)[0]

    def _prepare_many(self, items: Sequence[Item], embed_all: bool = False) -> list[_Prepared]:
        """The cheap signals of each item; the TF-IDF rows of all items are made together (`lexical_rows`)."""
        found = [tuple(passages(item)[:MAX_PASSAGES]) for item in items]
        rows = self.cases.lexical_rows(found)
        return [self._prepared(f, r, embed_all) for f, r in zip(found, rows, strict=True)]

    def _prepared(self, found: tuple[Passage, ...], rows: LexicalRows, embed_all: bool) -> _Prepared:
        hits = tuple(map(tuple, self.aliases.find_in_item([p.text for p in found])))
        aliases: dict[str, set[str]] = {}
        for hit in (h for row in hits for h in row if h.target == "case"):
            aliases.setdefault(hit.id, set()).add(hit.form)
        areas = tuple(m for p in found for m in self.areas.find(p))
        named_units = frozenset({m.unit for m in areas} | {h.id for row in hits for h in row if h.target == "unit"})
        sparse = tuple(self.cases.sparse_scores(found, aliases, named_units, rows))
        embed: tuple[int, ...] = ()
        if self.encoder is not None and (embed_all or named_units or self.cases.worth_embedding(sparse)):
            weak = not embed_all and self.cases.needs_dense(sparse)
            embed = self._choose_passages(found, rows, MAX_EMBEDDED_WEAK if weak else MAX_EMBEDDED)
        mentions = (*(m for p, row in zip(found, hits, strict=True) for m in named_mentions(p, row)), *areas)
        by_passage: dict[Passage, list[UnitMention]] = {}
        for m in mentions:
            by_passage.setdefault(m.passage, []).append(m)
        findings = tuple(with_named_actor(f, by_passage.get(f.passage, [])) for f in alleg.findings(found))
        return _Prepared(found, hits, areas, mentions, findings, sparse, embed)

    def _choose_passages(self, found: Sequence[Passage], rows: LexicalRows, cap: int) -> tuple[int, ...]:
        if len(found) <= cap:
            return tuple(range(len(found)))
        rest = list(range(LEAD, len(found)))
        relevance = dict(zip(rest, self.cases.relevance_of(rows, LEAD), strict=True))
        best = sorted(rest, key=lambda i: relevance[i], reverse=True)[: cap - LEAD]
        return tuple(sorted([*range(LEAD), *best]))

    # -- dense signal --------------------------------------------------------------------------

    def _embed(self, prepared: Sequence[_Prepared]) -> dict[int, np.ndarray]:
        wanted = [(i, j) for i, p in enumerate(prepared) for j in p.embed]
        if not wanted or self.encoder is None:
            return {}
        texts = [prepared[i].passages[j].text for i, j in wanted]
        if not self._warm and isinstance(self.encoder, Encoder):  # stored by an earlier start's warm-up?
            self._warm = self.encoder.recall(self._fixed_texts())
        # The first batch also embeds the fixed texts, so the model sees one pass of texts sorted by length
        # instead of a few small ones (one per kind of text) padded each to its own longest.
        matrix = self.encoder.encode([*texts, *([] if self._warm else self._fixed_texts())])[: len(texts)]
        self._warm = True
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

    def _case_scores(self, prepared: _Prepared, vectors: np.ndarray | None) -> list[CaseScore]:
        if vectors is not None and self.watchlist.cases:
            return with_dense(prepared.sparse, self._case_similarity(vectors))
        return list(prepared.sparse)

    def _allegation(self, prepared: _Prepared, linked: Sequence[CaseScore],
                    vectors: np.ndarray | None) -> Allegation | None:
        embedded = [prepared.passages[i] for i in prepared.embed]
        # the stance cues only weigh against an allegation or need a case: an item with no violation term,
        # no linked case and nothing embedded cannot carry one, so its sentences are not read again
        stance = alleg.voice(prepared.passages) if prepared.findings or linked or embedded else alleg.Voice()
        if linked:
            stance = replace(stance, case_unit=self._names_case_unit(prepared, linked))
        allegation = self.allegations.allegation(prepared.findings, about_case=bool(linked), embedded=embedded,
                                                 vectors=vectors, stance=stance)
        if allegation is None:
            return None
        units = self._unit_links(prepared, [self._case_link(s, prepared, allegation) for s in linked])
        naming = self._naming(prepared, {s.case for s in linked}, {u.id for u in units if u.implicated})
        return self.allegations.allegation(prepared.findings, about_case=bool(linked), naming=naming,
                                           embedded=embedded, vectors=vectors, stance=stance)

    def _names_case_unit(self, prepared: _Prepared, linked: Sequence[CaseScore]) -> bool:
        """Does the item name a unit one of its linked cases accuses (by alias or by place), as one who acts?"""
        accused_units = {u for s in linked for u in self.watchlist.case_by_id[s.case].units}
        return names_accused(prepared.mentions, accused_units)

    def _assess(self, prepared: _Prepared, vectors: np.ndarray | None) -> Assessment:
        linked = self.cases.decide(self._case_scores(prepared, vectors))
        allegation = self._allegation(prepared, linked, vectors)
        case_links = [self._case_link(s, prepared, allegation) for s in linked]
        unit_links = self._unit_links(prepared, case_links)
        implicated = tuple(u.id for u in unit_links if u.implicated and allegation is not None)
        signals = self._statement_signals(prepared, vectors, linked)
        statement_links = stmts.decide(signals, allegation, self.models.statements)
        at_risk = tuple(dict.fromkeys(r.id for uid in implicated for r in self.watchlist.at_risk(uid)))
        alert = any(self.watchlist.accusation_alerts(uid) for uid in implicated)
        notes = _notes(linked, allegation, unit_links, at_risk, alert)
        return Assessment(tuple(case_links), tuple(unit_links), tuple(statement_links), allegation,
                          implicated, at_risk, alert, notes)

    def _case_link(self, score: CaseScore, prepared: _Prepared, allegation: Allegation | None) -> Link:
        evidence = list(_case_evidence(score, prepared))
        return Link("case", score.case, round(score.probability, 3), tuple(evidence),
                    implicated=allegation is not None)

    def _unit_links(self, prepared: _Prepared, case_links: Sequence[Link]) -> list[Link]:
        mentions = [*prepared.mentions, *back_references(prepared.passages, prepared.mentions, self._nouns)]
        by_passage = {f.passage: f for f in prepared.findings}
        index = {p: i for i, p in enumerate(prepared.passages)}
        links: dict[str, Link] = {}
        for mention in mentions:
            finding = by_passage.get(mention.passage)
            force = unit_force(self.watchlist.unit_by_id[mention.unit].kind)
            if finding is not None:
                accuses = accused(mention, finding, force)
            else:
                accuses = accused_nearby(mention, force, _neighbours(prepared, index[mention.passage], by_passage))
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

    def _statement_signals(self, prepared: _Prepared, vectors: np.ndarray | None,
                           linked: Sequence[CaseScore]) -> list[stmts.Signals]:
        """The statements in play (tied to a linked case, or to none) with what the item shows of each."""
        cases = {s.case for s in linked}
        on_case = _on_case(prepared, linked)
        window = [prepared.passages[i] for i in on_case]
        keys: dict[bool, list[frozenset[str]]] = {}  # each passage's claim keys, read once per item and window
        # the embedded passages of the window (all of them if none is): a long page's other stories say
        # nothing of a claim on the case, and their closeness to a stance sentence is noise
        window_rows = set(on_case)
        near = [k for k, j in enumerate(prepared.embed) if j in window_rows] or list(range(len(prepared.embed)))
        rows = {True: near, False: list(range(len(prepared.embed)))}
        stance = {t: self._stance(vectors[r] if vectors is not None else None) if self.statements else (0.0, 0.0)
                  for t, r in rows.items()}
        out = []
        for found in self.statements:
            tied = set(found.statement.cases)
            if tied and not tied & cases:
                continue
            where = window if tied else prepared.passages
            hits = stmts.concept_hits(found, where)
            if bool(tied) not in keys:
                keys[bool(tied)] = [claim_keys(p.text) for p in where]
            dense = self._dense_match(found, prepared, vectors, stance[bool(tied)], rows[bool(tied)])
            out.append(stmts.Signals(found, tuple(hits), dense, tuple(keys[bool(tied)])))
        return out

    def _stance(self, vectors: np.ndarray | None) -> tuple[float, float]:
        """The item's (dispute, restate) similarity with the stance sentences (`stmts.Stances`)."""
        if vectors is None or self.encoder is None or not len(vectors):
            return 0.0, 0.0
        if self._stance_matrix is None:
            self._stance_matrix = self.encoder.encode(self.stances.texts)
        return self.stances.similarity(vectors, self._stance_matrix)

    def _dense_match(self, found: stmts.StatementProfile, prepared: _Prepared, vectors: np.ndarray | None,
                     stance: tuple[float, float] = (0.0, 0.0),
                     rows: Sequence[int] | None = None) -> stmts.DenseMatch | None:
        """The embedded passage (of `rows`, indices into the embedded ones; all by default) closest to the
        statement relative to its closeness to the statement's cases (to every case, for one tied to none)."""
        if vectors is None or self.encoder is None or not len(vectors):
            return None
        embed = prepared.embed if rows is None else tuple(prepared.embed[k] for k in rows)
        vectors = vectors if rows is None else vectors[list(rows)]
        if not len(vectors):
            return None
        plain = vectors @ self.encoder.encode([found.statement.text])[0]
        clause = (vectors @ self.encoder.encode(list(found.clauses)).T).max(1)  # per passage, its closest clause
        relative, clause_relative = plain, clause
        if self.watchlist.cases:  # a statement tied to no case: relative to every case
            index = {c.id: i for i, c in enumerate(self.watchlist.cases)}
            columns = [index[c] for c in found.statement.cases] or list(range(len(index)))
            on_case = self._case_similarity(vectors)[:, columns].max(1)
            relative, clause_relative = plain - on_case, clause - on_case
        best = int(relative.argmax())
        return stmts.DenseMatch(prepared.passages[embed[best]], float(plain[best]), float(relative[best]),
                                float(clause.max()), float(clause_relative.max()), *stance)


def _on_case(prepared: _Prepared, linked: Sequence[CaseScore], reach: int = 2) -> list[int]:
    """Passages that speak of a linked case: the lead, and the neighbourhood of a passage naming the case
    or closest to it. A long report's passing mention of the army elsewhere says nothing of the case."""
    cases = {s.case for s in linked}
    anchors = [i for i, row in enumerate(prepared.hits) if any(h.target == "case" and h.id in cases for h in row)]
    anchors += [prepared.embed[s.dense_passage] for s in linked if s.dense_passage >= 0]
    keep = set(range(min(len(prepared.passages), LEAD + 1)))
    keep.update(j for i in anchors for j in range(i - reach, i + reach + 1) if 0 <= j < len(prepared.passages))
    return sorted(keep)


def _neighbours(prepared: _Prepared, i: int,
                by_passage: dict[Passage, alleg.SentenceFinding]) -> list[alleg.SentenceFinding]:
    """The findings of the sentences just before and after passage i, on the same page."""
    here = prepared.passages[i]
    near = [prepared.passages[j] for j in (i - 1, i + 1) if 0 <= j < len(prepared.passages)]
    return [by_passage[p] for p in near if p in by_passage and p.page == here.page]


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
           at_risk: Sequence[str], alert: bool) -> tuple[str, ...]:
    notes = [f"case {s.case}: p={s.probability:.2f} from lexical {s.lexical:.2f} lead {s.lead:.2f} "
             f"names {s.names:.2f} beyond the place {s.content:.2f} best passage {s.passage:.2f} "
             f"dense {s.dense:.2f} alias {s.alias} day {s.day} place {s.place} "
             f"years {s.year:+d} unit named {s.unit_named}" for s in linked] or ["no case reached the threshold"]
    notes.append(f"allegation: {', '.join(allegation.types)} (p={allegation.probability})" if allegation
                 else "no allegation")
    notes.extend(f"unit {u.id} via {u.via}: {'implicated' if u.implicated and allegation else 'touched'}"
                 for u in units)
    if at_risk:
        why = "alert" if alert else "no alert (no supported unit accused or above the accused)"
        notes.append(f"{why}: supported units at risk {', '.join(at_risk)}")
    return tuple(notes)
