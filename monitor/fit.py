"""`monitor fit`: fit the linker's combiners on labelled sets and write them where the linker loads them.

    sets -> case rows (every item x every case, dense signal always computed) -> case_base.json, cases.json
         -> statement rows (statements in play once the new case combiner has decided) -> statements.json

Cross-validation leaves one labelled set (watchlist) out at a time (`combiner.set_folds`), so the threshold
and regularization each file carries come from predictions on watchlists the fit did not see. Features say
nothing of particular cases or units (see matchers/cases.py and matchers/statements.py), so a fitted file
serves any watchlist.

A further decision is one more `Step` in `STEPS`: the allegation combiner (matchers/allegation_fit.py)
is fitted last, on cues read by a linker that uses the new case combiners, and written beside them as
allegation.json (the allegation detector loads it from there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from matchers import cases as case_features
from matchers import statements as statement_features
from matchers.cases import CaseScore
from matchers.combiner import Combiner, best_threshold, fit, out_of_fold_probabilities, set_folds
from matchers.embeddings import TextEncoder
from matchers.fitted import Models
from matchers.linker import Linker
from monitor.config.watchlist import load_watchlist
from monitor.domain.errors import ConfigError
from monitor.domain.watchlist import Watchlist
from monitor.evaluate import LabelledSet, to_item


@dataclass(frozen=True)
class Rows:
    """Feature rows of one decision: values in `features` order, labels, and the group (item) of each."""

    features: tuple[str, ...]
    x: list[list[float]]
    y: list[int]
    groups: list[str]

    def add(self, group: str, values: dict[str, float], label: bool) -> None:
        self.x.append([values[f] for f in self.features])
        self.y.append(int(label))
        self.groups.append(group)

    @classmethod
    def empty(cls, features: Sequence[str]) -> Rows:
        return cls(tuple(features), [], [], [])


@dataclass(frozen=True)
class Loaded:
    """A labelled set read into memory."""

    name: str
    watchlist: Watchlist
    rows: list[dict[str, Any]]


def neutral(features: Sequence[str]) -> Combiner:
    """A combiner that decides nothing: stands in for a decision not fitted yet."""
    return Combiner(tuple(features), tuple(0.0 for _ in features), -10.0, 0.5)


def load_sets(sets: Sequence[LabelledSet]) -> list[Loaded]:
    loaded = []
    for labelled in sets:
        for path in (labelled.watchlist, labelled.items):
            if not path.exists():
                raise ConfigError(f"{path}: labelled set {labelled.name!r} needs this file")
        loaded.append(Loaded(labelled.name, load_watchlist(labelled.watchlist), labelled.rows()))
    return loaded


@dataclass(frozen=True)
class CaseData:
    """Every case's signals for each item of the sets, with the item's group ("set/item") and its labelled
    cases; `likeness`: each set's `CaseModel.likeness` (a set missing from it: its cases alike in nothing)."""

    items: list[tuple[str, list[CaseScore], set[str]]]
    likeness: Mapping[str, np.ndarray] = field(default_factory=dict)

    @classmethod
    def joined(cls, parts: Iterable[CaseData]) -> CaseData:
        """One CaseData of several (each fold of bench/cross_set.py joins the sets it fits on)."""
        found = list(parts)
        return cls([row for part in found for row in part.items],
                   {name: value for part in found for name, value in part.likeness.items()})

    def own_rows(self) -> Rows:
        rows = Rows.empty(case_features.OWN)
        for group, scores, wanted in self.items:
            for score in scores:
                rows.add(group, case_features.own_features(score), score.case in wanted)
        return rows

    def rows(self, base: Sequence[float], nothing: float) -> Rows:
        """The case combiner's rows, given each row's base log-odds (in `own_rows` order)."""
        rows, start = Rows.empty(case_features.FEATURES), 0
        for group, scores, wanted in self.items:
            logits = base[start:start + len(scores)]
            start += len(scores)
            likeness = self.likeness.get(group.split("/", 1)[0])
            for score, values in zip(scores, case_features.features(scores, logits, nothing, likeness), strict=True):
                rows.add(group, values, score.case in wanted)
        return rows


def case_data(data: Sequence[Loaded], encoder: TextEncoder) -> CaseData:
    """Every (item, case) of every set; the label: the case is in the item's `expect.cases`."""
    placeholder = Models(neutral(case_features.OWN), neutral(case_features.FEATURES),
                         neutral(statement_features.FEATURES))
    found, likeness = [], {}
    for labelled in data:
        linker = Linker(labelled.watchlist, encoder, models=placeholder)
        signals = linker.case_signals([to_item(r) for r in labelled.rows])
        found += [(f"{labelled.name}/{row['id']}", scores, set(row["expect"].get("cases", ())))
                  for row, scores in zip(labelled.rows, signals, strict=True)]
        likeness[labelled.name] = linker.cases.likeness
    return CaseData(found, likeness)


def statement_rows(data: Sequence[Loaded], encoder: TextEncoder, base: Combiner, cases: Combiner) -> Rows:
    """One row per (item, statement in play) of the sets that label statements."""
    rows = Rows.empty(statement_features.FEATURES)
    read: list[tuple[str, dict[str, float], bool]] = []
    models = Models(base, cases, neutral(statement_features.FEATURES))
    for labelled in data:
        labelled_rows = [r for r in labelled.rows if "statements" in r["expect"]]
        if not labelled.watchlist.statements or not labelled_rows:
            continue
        linker = Linker(labelled.watchlist, encoder, models=models)
        found = linker.statement_signals([to_item(r) for r in labelled_rows])
        for row, (signals, allegation) in zip(labelled_rows, found, strict=True):
            wanted = set(row["expect"]["statements"])
            for s, values in zip(signals, statement_features.features(signals, allegation), strict=True):
                read.append((f"{labelled.name}/{row['id']}", values, s.found.statement.id in wanted))
    statement_features.impute_unknown([values for _, values, _ in read])
    for group, values, label in read:
        rows.add(group, values, label)
    return rows


def fit_rows(rows: Rows, meta: dict[str, object], grid: Sequence[float] | None = None) -> Combiner:
    if not rows.y or len(set(rows.y)) < 2:
        raise ConfigError(f"{meta.get('decision')}: the labelled sets give no positive and negative rows to fit")
    x, y, groups = np.asarray(rows.x, dtype=float), np.asarray(rows.y), np.asarray(rows.groups)
    means = {f: round(float(v), 4) for f, v in zip(rows.features, x.mean(axis=0), strict=True)}
    folds, count = set_folds(groups)
    by = "item" if np.array_equal(folds, groups) else "labelled set"
    grid = C_GRID if grid is None else tuple(grid)
    return fit(rows.features, x, y, groups=folds, c=regularization(x, y, groups, grid), folds=count,
               meta={**meta, "means": means, "C_grid": list(grid), "folds_by": by})


C_GRID = (0.1, 0.3, 1.0, 3.0)
# The case decisions: a signal that fires on few rows (`reference`) wants weak regularization, and at C=3
# the whole-TUNE fit let the common signals' weights run against each other (lexical -14.8, content +20.6)
# with links on news of a case's region; LOSO cases was the same with C <= 1 (.894 vs .895).
CASE_C_GRID = (0.1, 0.3, 1.0)


def regularization(x: np.ndarray, y: np.ndarray, groups: np.ndarray, grid: Sequence[float] = C_GRID) -> float:
    """The inverse regularization strength with the best F1 on sets left out (ties: the stronger one)."""
    folds, count = set_folds(groups)
    scored = [(best_threshold(out_of_fold_probabilities(x, y, groups=folds, c=c, folds=count), y)[1], -c)
              for c in grid]
    return -max(scored)[1]


def dense_bound(rows: Rows) -> dict[str, object]:
    """How high the dense similarity of a case can plausibly be given its sparse signals: a least-squares
    line from the sparse signals to the dense one, plus the 99th percentile of how far linked cases rose
    above it. The prefilter embeds an item only when some case, at that bound, could link
    (`CaseModel.worth_embedding`); an item that shares nothing with a case does not get a high bound."""
    x, y = np.asarray(rows.x, dtype=float), np.asarray(rows.y)
    column = rows.features.index("dense")
    sparse = np.delete(x, column, axis=1)
    design = np.column_stack([sparse, np.ones(len(x))])
    solution, *_ = np.linalg.lstsq(design, x[:, column], rcond=None)
    above = x[y == 1, column] - design[y == 1] @ solution
    names = [f for f in rows.features if f != "dense"]
    return {"weights": {n: round(float(w), 6) for n, w in zip(names, solution[:-1], strict=True)},
            "bias": round(float(solution[-1]), 6), "margin": round(float(np.percentile(above, 99)), 4),
            "floor": round(float(np.median(x[y == 0, column])), 4)}


# One step per decision: fitted from the data and the combiners of the steps before (by name).
Step = Callable[[Sequence[Loaded], TextEncoder, dict[str, Combiner], dict[str, object]], dict[str, Combiner]]


def fit_cases(data: Sequence[Loaded], encoder: TextEncoder, done: dict[str, Combiner],
              meta: dict[str, object]) -> dict[str, Combiner]:
    """The base combiner on each case's own signals, then the case combiner on those and the margins of
    the base log-odds over rival cases; the second is fitted on out-of-fold base log-odds, as linking
    will see them on items the base never saw."""
    return fit_case_data(case_data(data, encoder), meta)


def fit_case_data(found: CaseData, meta: dict[str, object]) -> dict[str, Combiner]:
    """`fit_cases` from case signals already read (bench/cross_set.py reads each set's once for all folds)."""
    own = found.own_rows()
    base = fit_rows(own, {**meta, "decision": "case_base"}, CASE_C_GRID)
    x, y, groups = np.asarray(own.x, dtype=float), np.asarray(own.y), np.asarray(own.groups)
    folds, count = set_folds(groups)  # base log-odds as linking sees them: on a watchlist the base never saw
    held_out = out_of_fold_probabilities(x, y, groups=folds, folds=count).clip(1e-6, 1 - 1e-6)
    logits = np.log(held_out / (1 - held_out))
    cases = fit_rows(found.rows([float(v) for v in logits], base.bias),
                     {**meta, "decision": "cases", "dense_bound": dense_bound(own)}, CASE_C_GRID)
    return {"case_base": base, "cases": cases}


def fit_statements(data: Sequence[Loaded], encoder: TextEncoder, done: dict[str, Combiner],
                   meta: dict[str, object]) -> dict[str, Combiner]:
    rows = statement_rows(data, encoder, done["case_base"], done["cases"])
    return {"statements": fit_rows(rows, {**meta, "decision": "statements"})}


def fit_allegations(data: Sequence[Loaded], encoder: TextEncoder, done: dict[str, Combiner],
                    meta: dict[str, object]) -> dict[str, Combiner]:
    """The allegation combiner of matchers/allegation_fit.py on the sets that label allegations."""
    from matchers.allegation_fit import allegation_rows

    models = Models(done["case_base"], done["cases"], done["statements"])
    rows, sets = [], []
    for labelled in data:
        items = [r for r in labelled.rows if "allegation" in r["expect"]]
        if items:
            rows += allegation_rows(Linker(labelled.watchlist, encoder, models=models), items, f"{labelled.name}/")
            sets.append(labelled.name)
    if not rows:
        return {}
    return {"allegation": allegation_combiner(rows, {**meta, "decision": "allegation", "sets": sets})}


def allegation_combiner(rows: Sequence[Any], meta: dict[str, object]) -> Combiner:
    """The allegation combiner on `rows` (matchers.allegation_fit.AllegationRow), C chosen as for every
    decision: the best F1 on labelled sets left out (bench/alleg_cross.py fits its folds with this too)."""
    from matchers.allegation_fit import fit_allegation, matrix

    return fit_allegation(rows, c=regularization(*matrix(rows)), meta=meta)


STEPS: tuple[Step, ...] = (fit_cases, fit_statements, fit_allegations)


def fit_models(sets: Sequence[LabelledSet], encoder: TextEncoder, out: Path, today: dt.date) -> dict[str, Combiner]:
    """Fit every step on `sets`, write the files into `out`, return the combiners by name."""
    data = load_sets(sets)
    meta: dict[str, object] = {"data": [f"{s.name} ({len(d.rows)} items)" for s, d in zip(sets, data, strict=True)],
                               "fitted": today.isoformat()}
    done: dict[str, Combiner] = {}
    for step in STEPS:
        done.update(step(data, encoder, done, meta))
    Path(out).mkdir(parents=True, exist_ok=True)
    for name, combiner in done.items():
        combiner.save(Path(out) / f"{name}.json")
    return done


def summary(combiners: dict[str, Combiner]) -> str:
    lines = []
    for name, combiner in combiners.items():
        info = combiner.meta
        lines.append(f"{name:11s} rows={info.get('rows')} positives={info.get('positives')} "
                     f"out-of-fold F1={info.get('out_of_fold_f1')} threshold={combiner.threshold:.3f}")
    return "\n".join(lines)
