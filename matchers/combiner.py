"""A learned combiner: named signals -> calibrated probability, stored as a small JSON file.

A logistic regression (scikit-learn) is fitted offline on labelled examples (`fit`); what ships is its
weights on the raw signal values, its bias and the decision threshold that out-of-fold predictions
chose, so linking needs no scikit-learn model object and no pickle, only a dot product.

    combiner = Combiner.load(path)
    p = combiner.probability({"lexical": 0.4, "dense": 0.62, "alias": 1.0})   # 0..1, calibrated
    p >= combiner.threshold                                                   # the decision
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Combiner:
    """Weights over named features; `threshold` is the probability at which the decision flips."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.5
    meta: Mapping[str, object] = field(default_factory=dict)  # how it was fitted: data, folds, scores

    def __post_init__(self) -> None:
        if len(self.features) != len(self.weights):
            raise ValueError(f"{len(self.features)} features but {len(self.weights)} weights")

    def probability(self, values: Mapping[str, float]) -> float:
        """Missing features count as 0; unknown keys are an error (a renamed signal must not vanish)."""
        return _sigmoid(self.logit(values))

    def logit(self, values: Mapping[str, float]) -> float:
        """The log-odds behind `probability` (what a second combiner can take as a feature)."""
        unknown = set(values) - set(self.features)
        if unknown:
            raise KeyError(f"features not in the combiner: {', '.join(sorted(unknown))}")
        return self.bias + sum(w * float(values.get(f, 0.0)) for f, w in zip(self.features, self.weights, strict=True))

    def probabilities(self, matrix: np.ndarray) -> np.ndarray:
        """Rows of feature values in `features` order -> probabilities."""
        z = matrix @ np.asarray(self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def decide(self, values: Mapping[str, float]) -> bool:
        return self.probability(values) >= self.threshold

    def to_json(self) -> dict[str, object]:
        return {"features": list(self.features), "weights": [round(w, 6) for w in self.weights],
                "bias": round(self.bias, 6), "threshold": round(self.threshold, 4), "meta": dict(self.meta)}

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Combiner:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(tuple(data["features"]), tuple(float(w) for w in data["weights"]), float(data["bias"]),
                   float(data.get("threshold", 0.5)), data.get("meta", {}))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def fit(features: Sequence[str], x: np.ndarray, y: np.ndarray, *, groups: np.ndarray | None = None,
        c: float = 1.0, folds: int = 5, meta: Mapping[str, object] | None = None,
        against: Collection[str] = ()) -> Combiner:
    """Fit a logistic regression on standardized features and fold the scaling back into raw weights.

    The threshold is read on out-of-fold probabilities (grouped by `groups`, e.g. the item or the watchlist
    a row came from, so no group is scored by a model that saw it) by `stable_threshold`. `against`: features
    that by their meaning can only count against a positive; one the data would weigh for it is left out.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=int)
    x, dropped = _respecting(features, x, y, c, against)
    mean, scale = _standardization(x)
    out_of_fold = out_of_fold_probabilities(x, y, groups=groups, c=c, folds=folds)
    final = _model(c).fit((x - mean) / scale, y)
    weights = final.coef_[0] / scale
    bias = float(final.intercept_[0] - np.sum(final.coef_[0] * mean / scale))
    f1 = best_threshold(out_of_fold, y)[1]
    threshold = stable_threshold(out_of_fold, y, groups)
    info = {**(meta or {}), "rows": int(len(y)), "positives": int(y.sum()), "folds": folds, "C": c,
            "out_of_fold_f1": round(f1, 4), "threshold_by": "F1-best cut bagged over sets",
            **({"left_out_against": dropped} if dropped else {})}
    return Combiner(tuple(features), tuple(float(w) for w in weights), bias, threshold, info)


def _respecting(features: Sequence[str], x: np.ndarray, y: np.ndarray, c: float,
                against: Collection[str]) -> tuple[np.ndarray, list[str]]:
    """`x` with the `against` features zeroed that a fit would weigh for a positive. A cue that says
    "the forces are the victims" can only argue against an allegation; when the tune sets make it argue
    for one (it co-occurs there with abuse reported beside it), that is a quirk of the sets, not a rule
    that carries to another watchlist."""
    x, dropped = x.copy(), list[str]()
    while True:
        mean, scale = _standardization(x)
        coef = _model(c).fit((x - mean) / scale, y).coef_[0]
        wrong = [i for i, f in enumerate(features) if f in against and f not in dropped and coef[i] > 0]
        if not wrong:
            return x, dropped
        x[:, wrong] = 0.0
        dropped += [features[i] for i in wrong]


def set_folds(groups: np.ndarray, folds: int = 5) -> tuple[np.ndarray, int]:
    """Cross-validation folds by labelled set (a group is "set/item"), one fold per set: a user's watchlist
    is one the fit never saw, so the threshold and C are chosen on sets left out whole, not on unseen items
    of known watchlists (which was optimistic). With fewer than three sets, folds by item as before."""
    sets = np.array([str(g).split("/", 1)[0] for g in groups])
    count = len(set(sets.tolist()))
    if count >= 3:
        return sets, count
    return np.asarray(groups), min(folds, len(set(np.asarray(groups).tolist())))


def out_of_fold_probabilities(x: np.ndarray, y: np.ndarray, *, groups: np.ndarray | None = None,
                              c: float = 1.0, folds: int = 5) -> np.ndarray:
    """Each row's probability from a model fitted without its fold (folds by `groups` when given)."""
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=int)
    mean, scale = _standardization(x)
    out = np.zeros(len(y))
    splitter = GroupKFold(n_splits=folds) if groups is not None else StratifiedKFold(folds, shuffle=True,
                                                                                      random_state=0)
    for train, test in splitter.split(x, y, groups):
        fold = _model(c).fit((x[train] - mean) / scale, y[train])
        out[test] = fold.predict_proba((x[test] - mean) / scale)[:, 1]
    return out


def _standardization(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    return mean, scale


def _model(c: float) -> Any:
    from sklearn.linear_model import LogisticRegression  # fitting only: linking never imports scikit-learn

    return LogisticRegression(C=c, max_iter=2000, class_weight=None)


def best_threshold(probabilities: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The probability cut with the best F1 (ties: the middle of the best plateau, so it is not on an edge)."""
    candidates = np.unique(np.round(probabilities, 4))
    scored = [(t, _f1(probabilities >= t, y)) for t in candidates]
    if not scored:
        return 0.5, 0.0
    best = max(f for _, f in scored)
    plateau = [t for t, f in scored if f == best]
    return float(plateau[len(plateau) // 2]), float(best)


def _f1(predicted: np.ndarray, y: np.ndarray) -> float:
    tp = int(np.sum(predicted & (y == 1)))
    fp, fn = int(np.sum(predicted & (y == 0))), int(np.sum(~predicted & (y == 1)))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


# Cuts F1 is read at: fine enough that a step costs no measurable F1 (the curve is flat near its top),
# coarse enough that a row's probability moving in the fourth decimal moves no threshold.
GRID = np.round(np.arange(0.02, 0.981, 0.005), 3)
RESAMPLES = 1000


def stable_threshold(probabilities: np.ndarray, y: np.ndarray, groups: np.ndarray | None = None, *,
                     resamples: int = RESAMPLES, seed: int = 0) -> float:
    """The F1-best cut bagged over the groups: the mean of the best cuts of resamples that draw the groups
    (labelled sets) whole, with replacement.

    The pooled F1 curve is flat near its top, so its argmax (`best_threshold`) jumps with each labelled set
    added (allegation .478 -> .413 for one set of 130 items). An argmax is the kind of unstable estimate
    that bagging (Breiman 1996) steadies: averaging it over resamples of the sets, the units a new watchlist
    varies by, moves it little when one set is added or removed. (The argmax of the resamples' mean curve
    does not: that curve is as flat as the pooled one.) Without groups, rows are resampled one by one."""
    p, y = np.asarray(probabilities, dtype=float), np.asarray(y, dtype=int)
    keys = np.arange(len(y)) if groups is None else np.asarray(groups)
    _, group = np.unique(keys, return_inverse=True)
    counts = _counts_by_group(p, y, group)  # (3, groups, cuts): tp, fp, fn
    size = counts.shape[1]
    draws = np.random.default_rng(seed).multinomial(size, np.full(size, 1 / size), size=resamples)
    tp, fp, fn = (draws @ counts[k] for k in range(3))  # (resamples, cuts) each
    f1 = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
    f1 = f1[f1.max(axis=1) > 0]  # a resample that drew no positive has no best cut
    if not len(f1):
        return best_threshold(p, y)[0]
    # each resample's best cut: the middle of its best plateau's span, so it is not on an edge
    first, last = f1.argmax(axis=1), len(GRID) - 1 - f1[:, ::-1].argmax(axis=1)
    return float(np.mean(GRID[(first + last) // 2]))


def _counts_by_group(p: np.ndarray, y: np.ndarray, group: np.ndarray) -> np.ndarray:
    """True positives, false positives and false negatives of each group at each cut of GRID."""
    above = p[:, None] >= GRID[None, :]
    positive = (y == 1)[:, None]
    rows = np.stack([above & positive, above & ~positive, ~above & positive]).astype(float)
    out = np.zeros((3, int(group.max()) + 1, len(GRID)))
    for k in range(3):
        np.add.at(out[k], group, rows[k])
    return out
