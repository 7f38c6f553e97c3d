"""Fitting the allegation combiner from labelled items, and its out-of-fold figures.

    rows = allegation_rows(linker, items)       # one AllegationRow per labelled item (cues + label)
    model = fit_allegation(rows)                # -> Combiner, threshold chosen on out-of-fold F1
    model.save(MODEL)

`items` are rows of an eval set (`id, lang, title, text, expect`; label = `expect.allegation`). Folds are
grouped by case (items about one case share wording), so no case is scored by a model that read it.
`cross_validate` relinks each held-out item with its fold's model, for allegation *and* alert F1.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from monitor.domain.assessment import Allegation
from monitor.domain.item import Item

from .allegation import AGAINST, FEATURES, Detector, SentenceFinding, Voice, cues
from .combiner import Combiner, fit, set_folds
from .linker import Linker
from .passages import Passage


@dataclass(frozen=True)
class AllegationRow:
    """The allegation cues of one labelled item."""

    id: str
    cues: Mapping[str, float]
    label: bool
    group: str  # items sharing a group are never split across folds
    lang: str = ""


class _Recorder(Detector):
    """A detector that also keeps the cues of each decision (the linker's first call per item decides)."""

    def __init__(self, inner: Detector) -> None:
        self.prototypes, self.model = inner.prototypes, inner.model
        self.calls: list[dict[str, float]] = []

    def allegation(self, found: Sequence[SentenceFinding], about_case: bool, naming: Collection[Passage] = (),
                   embedded: Sequence[Passage] = (), vectors: np.ndarray | None = None,
                   stance: Voice | None = None) -> Allegation | None:
        self.calls.append(cues(found, about_case, self.dense(embedded, vectors), stance))
        return super().allegation(found, about_case, naming, embedded, vectors, stance)


def to_item(row: Mapping[str, Any]) -> Item:
    return Item(feed="eval", guid=row["id"], url="", title=row.get("title", ""), summary=row.get("text", ""),
                language=row.get("lang"))


def group_of(row: Mapping[str, Any], prefix: str = "") -> str:
    """The fold group of an eval row: its first case, or the item itself when it is about none."""
    cases = row.get("expect", {}).get("cases") or []
    return f"{prefix}{cases[0] if cases else row['id']}"


def allegation_rows(linker: Linker, items: Sequence[Mapping[str, Any]], prefix: str = "") -> list[AllegationRow]:
    """Link each item once and keep the cues its allegation was decided on."""
    original = linker.allegations
    recorder = linker.allegations = _Recorder(original)
    try:
        rows = []
        for row in items:
            recorder.calls.clear()
            linker.assess(to_item(row))
            rows.append(AllegationRow(row["id"], recorder.calls[0], bool(row["expect"].get("allegation")),
                                      group_of(row, prefix), row.get("lang", "")))
        return rows
    finally:
        linker.allegations = original


def matrix(rows: Sequence[AllegationRow]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.array([[r.cues[f] for f in FEATURES] for r in rows], dtype=float)
    return x, np.array([r.label for r in rows], dtype=int), np.array([r.group for r in rows])


def fit_allegation(rows: Sequence[AllegationRow], c: float = 1.0, folds: int = 5,
                   meta: Mapping[str, object] | None = None) -> Combiner:
    """The allegation combiner fitted on `rows` (threshold from grouped out-of-fold F1)."""
    x, y, groups = matrix(rows)
    by, count = set_folds(groups, folds)
    return fit(FEATURES, x, y, groups=by, c=c, folds=count, meta={"label": "expect.allegation", **(meta or {})},
               against=AGAINST)


@dataclass(frozen=True)
class Labelled:
    """One eval set: its linker and its rows."""

    name: str
    linker: Linker
    items: Sequence[Mapping[str, Any]]


def cross_validate(sets: Sequence[Labelled], rows: Sequence[AllegationRow], folds: int = 5,
                   c: float = 1.0) -> list[dict[str, Any]]:
    """Out-of-fold predictions: each item is relinked with a combiner fitted without its fold's groups.
    Returns one `{"id", "lang", "allegation", "alert", "expect"}` per item."""
    from sklearn.model_selection import GroupKFold  # fitting only

    _, _, groups = matrix(rows)
    by_id = {r["id"]: (s, r) for s in sets for r in s.items}
    out = []
    for train, test in GroupKFold(n_splits=folds).split(groups, groups=groups):
        model = fit_allegation([rows[i] for i in train], c=c, folds=min(folds, 4))
        for i in test:
            labelled, row = by_id[rows[i].id]
            original = labelled.linker.allegations
            labelled.linker.allegations = Detector(original.prototypes.encoder if original.prototypes else None, model)
            try:
                found = labelled.linker.assess(to_item(row))
            finally:
                labelled.linker.allegations = original
            out.append({"id": row["id"], "lang": row.get("lang", ""), "allegation": found.allegation is not None,
                        "alert": found.alert, "expect": row["expect"]})
    return out


def f1(predictions: Sequence[Mapping[str, Any]], label: str, lang: str | None = None) -> dict[str, float]:
    """Binary F1 of one label over predictions (optionally one language)."""
    chosen = [p for p in predictions if lang is None or p["lang"] == lang]
    tp = sum(1 for p in chosen if p[label] and p["expect"].get(label))
    fp = sum(1 for p in chosen if p[label] and not p["expect"].get(label))
    fn = sum(1 for p in chosen if not p[label] and p["expect"].get(label))
    return {"f1": round(2 * tp / (2 * tp + fp + fn), 3) if tp else 0.0, "tp": tp, "fp": fp, "fn": fn,
            "items": len(chosen)}
