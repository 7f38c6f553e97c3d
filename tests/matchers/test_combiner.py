"""The learned combiner: fitted weights reproduce scikit-learn's probabilities and survive a save/load."""

from pathlib import Path

import numpy as np
import pytest

from matchers.combiner import Combiner, best_threshold, fit


def _data(n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 2)) * [1.0, 5.0] + [0.0, 10.0]
    y = (x[:, 0] + 0.2 * (x[:, 1] - 10) + rng.normal(scale=0.5, size=n) > 0).astype(int)
    return x, y


def test_fitted_weights_on_raw_features_match_the_standardized_model() -> None:
    from sklearn.linear_model import LogisticRegression

    x, y = _data()
    combiner = fit(("a", "b"), x, y)
    scaled = (x - x.mean(0)) / x.std(0)
    reference = LogisticRegression(max_iter=2000).fit(scaled, y).predict_proba(scaled)[:, 1]
    assert np.allclose(combiner.probabilities(x), reference, atol=1e-6)
    assert combiner.probability({"a": x[0, 0], "b": x[0, 1]}) == pytest.approx(reference[0], abs=1e-6)


def test_save_and_load_keep_the_decision(tmp_path: Path) -> None:
    x, y = _data()
    combiner = fit(("a", "b"), x, y, meta={"data": "synthetic"})
    combiner.save(tmp_path / "c.json")
    loaded = Combiner.load(tmp_path / "c.json")
    assert loaded.features == ("a", "b") and loaded.meta["data"] == "synthetic"
    assert [loaded.decide({"a": r[0], "b": r[1]}) for r in x] == [combiner.decide({"a": r[0], "b": r[1]}) for r in x]
    assert 0.0 < loaded.threshold < 1.0


def test_an_unknown_feature_is_an_error() -> None:
    with pytest.raises(KeyError, match="nonsense"):
        Combiner(("a",), (1.0,), 0.0).probability({"nonsense": 1.0})


def test_best_threshold_separates_separable_scores() -> None:
    threshold, f1 = best_threshold(np.array([0.1, 0.2, 0.8, 0.9]), np.array([0, 0, 1, 1]))
    assert f1 == 1.0 and 0.2 < threshold <= 0.8


def test_a_feature_that_may_only_count_against_is_left_out_when_the_data_weighs_it_for() -> None:
    x, y = _data()  # both features raise the odds of a positive here
    free = fit(("a", "b"), x, y)
    assert free.weights[1] > 0
    constrained = fit(("a", "b"), x, y, against=("b",))
    assert constrained.weights[1] == 0.0 and constrained.weights[0] > 0
    assert constrained.meta["left_out_against"] == ["b"]
    kept = fit(("a", "b"), x, 1 - y, against=("b",))  # here b argues against a positive: it stays
    assert kept.weights[1] < 0 and "left_out_against" not in kept.meta


def test_folds_leave_whole_sets_out_when_there_are_three_or_more() -> None:
    from matchers.combiner import set_folds

    groups = np.array(["mx2/1", "mx2/2", "latam/1", "tune4/1", "tune4/2"])
    folds, count = set_folds(groups)
    assert count == 3 and folds.tolist() == ["mx2", "mx2", "latam", "tune4", "tune4"]
    two_sets = np.array(["mx2/1", "mx2/2", "latam/1", "latam/2"])
    folds, count = set_folds(two_sets)
    assert folds.tolist() == two_sets.tolist() and count == 4  # by item, as before


def _calibrated_sets(sets: int, rows: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Calibrated probabilities (each label drawn from its own probability), sets of unequal size and mix."""
    rng = np.random.default_rng(seed)
    p, y, g = [], [], []
    for s in range(sets):
        n = int(rng.integers(rows // 2, 2 * rows))
        probabilities = rng.beta(0.4 + rng.random(), 0.8 + rng.random(), size=n)
        p.append(probabilities)
        y.append((rng.random(n) < probabilities).astype(int))
        g += [f"set{s}"] * n
    return np.concatenate(p), np.concatenate(y), np.array(g)


def test_stable_threshold_separates_separable_scores() -> None:
    from matchers.combiner import stable_threshold

    p, y = np.array([0.1, 0.2, 0.15, 0.8, 0.9, 0.85]), np.array([0, 0, 0, 1, 1, 1])
    threshold = stable_threshold(p, y, np.array(["a", "a", "b", "b", "c", "c"]))
    assert 0.2 < threshold <= 0.8


def test_stable_threshold_on_calibrated_probabilities_is_near_half_the_best_f1() -> None:
    # Lipton, Elkan & Narayanaswamy 2014: for calibrated probabilities the F1-optimal cut is F*/2
    from matchers.combiner import stable_threshold

    p, y, g = _calibrated_sets(15, 150, seed=1)
    best = best_threshold(p, y)[1]
    assert abs(stable_threshold(p, y, g) - best / 2) < 0.05


def test_stable_threshold_moves_less_than_the_argmax_when_one_set_is_left_out() -> None:
    from matchers.combiner import stable_threshold

    spread: dict[str, list[float]] = {"argmax": [], "bagged": []}
    for seed in range(1, 6):  # jackknife over sets, as a watchlist joins or leaves the fit
        p, y, g = _calibrated_sets(15, 150, seed=seed)
        argmax, bagged = [], []
        for left_out in sorted(set(g.tolist())):
            keep = g != left_out
            argmax.append(best_threshold(p[keep], y[keep])[0])
            bagged.append(stable_threshold(p[keep], y[keep], g[keep]))
        spread["argmax"].append(float(np.std(argmax)))
        spread["bagged"].append(float(np.std(bagged)))
    assert np.mean(spread["bagged"]) < 0.7 * np.mean(spread["argmax"])


def test_stable_threshold_is_deterministic_and_works_without_groups() -> None:
    from matchers.combiner import stable_threshold

    p, y, _ = _calibrated_sets(3, 100, seed=3)
    assert stable_threshold(p, y) == stable_threshold(p, y)
    assert 0.0 < stable_threshold(p, y) < 1.0
