"""Fitting the allegation combiner: rows from a real linker, a fit whose weights follow the labels."""

from __future__ import annotations

import random

from matchers.allegation import DETECTOR, FEATURES
from matchers.allegation_fit import AllegationRow, allegation_rows, f1, fit_allegation
from monitor.evaluate import TUNE_FOLDERS, VALIDATION


def test_rows_carry_the_cues_the_linker_decided_on(linker):
    items = [
        {"id": "a", "lang": "en", "title": "Abuse", "text": "Soldiers of the 27th Infantry Battalion tortured two men.",
         "expect": {"allegation": True}},
        {"id": "b", "lang": "es", "title": "Ayuda", "text": "El Ejército entregó víveres a los damnificados.",
         "expect": {"allegation": False}},
    ]
    before = linker.allegations
    rows = allegation_rows(linker, items)
    assert linker.allegations is before  # the recorder is taken out again
    assert [(r.id, r.label) for r in rows] == [("a", True), ("b", False)]
    assert set(rows[0].cues) == set(FEATURES)
    assert rows[0].cues["rule"] == 1.0 and rows[0].cues["force_actor"] == 1.0
    assert rows[1].cues["rule"] == 0.0


def test_fit_follows_the_labels_and_picks_a_threshold_out_of_fold():
    rng = random.Random(3)
    rows = []
    for i in range(80):
        alleged = i % 2 == 0
        cues = {f: 0.0 for f in FEATURES}
        cues.update(rule=float(alleged or rng.random() < 0.1), denial=float(not alleged and rng.random() < 0.5),
                    prototype_margin=rng.random() * (0.3 if alleged else 0.1))
        rows.append(AllegationRow(str(i), cues, alleged, group=f"g{i // 4}"))
    model = fit_allegation(rows, folds=4)
    weights = dict(zip(model.features, model.weights, strict=True))
    assert weights["rule"] > 0 and weights["denial"] < 0 and weights["prototype_margin"] > 0
    assert 0 < model.threshold < 1 and model.meta["out_of_fold_f1"] > 0.8


def test_bundled_model_was_fitted_on_the_tune_sets_only():
    """The split of eval/README.md: the validation sets never reach a fit."""
    assert DETECTOR.model is not None
    assert set(DETECTOR.model.meta["sets"]) == set(TUNE_FOLDERS)  # ECB+ labels no allegations
    assert not set(DETECTOR.model.meta["sets"]) & set(VALIDATION)


def test_f1_counts_by_language():
    preds = [{"lang": "en", "alert": True, "expect": {"alert": True}},
             {"lang": "es", "alert": True, "expect": {"alert": False}},
             {"lang": "es", "alert": False, "expect": {"alert": True}}]
    assert f1(preds, "alert", "en")["f1"] == 1.0
    assert f1(preds, "alert", "es") == {"f1": 0.0, "tp": 0, "fp": 1, "fn": 1, "items": 2}
