"""bench/case_cross.py scores cases from cached signals as the linker would decide them: its probabilities
are the case model's, and its F1 and open-world cost count as shared/eval/score.py and bench/cross_set.py."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bench import case_cross
from matchers.fitted import Models
from matchers.linker import Linker
from monitor import fit as fitting
from monitor.evaluate import LabelledSet, to_item

TINY = Path(__file__).parent.parent / "fixtures" / "labelled" / "rioverde"


@pytest.fixture(scope="module")
def tiny(encoder) -> tuple[fitting.Loaded, fitting.CaseData]:
    loaded = fitting.load_sets([LabelledSet.folder(TINY)])[0]
    return loaded, fitting.case_data([loaded], encoder)


def test_the_probabilities_are_the_case_models(tiny, encoder):
    loaded, data = tiny
    models = Models.load()
    linker = Linker(loaded.watchlist, encoder, models=models)
    signals = linker.case_signals([to_item(r) for r in loaded.rows])
    found = case_cross.probabilities(data, models.case_base, models.cases)
    for scores, p in zip(signals, found, strict=True):
        assert np.allclose(linker.cases.probabilities(scores), p)


def test_the_score_counts_links_and_false_links_per_item(tiny):
    loaded, data = tiny
    models = Models.load()
    langs = {f"{loaded.name}/{r['id']}": "en" for r in loaded.rows}
    threshold = models.cases.threshold
    got = [{s.case for s, q in zip(scores, p, strict=True) if q >= threshold}
           for (_, scores, _), p in zip(data.items, case_cross.probabilities(data, models.case_base, models.cases),
                                        strict=True)]
    tp = sum(len(g & w) for g, (_, _, w) in zip(got, data.items, strict=True))
    fp = sum(len(g - w) for g, (_, _, w) in zip(got, data.items, strict=True))
    fn = sum(len(w - g) for g, (_, _, w) in zip(got, data.items, strict=True))
    nothing = [bool(g) for g, (_, _, w) in zip(got, data.items, strict=True) if not w]
    result = case_cross.score(case_cross.SetSignals(loaded.name, data, langs), {"case_base": models.case_base,
                                                                                "cases": models.cases}, False)
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert result["all"] == result["en"] == pytest.approx(f1, abs=5e-4)  # prf rounds to 3 places
    assert result["false"] == pytest.approx(100.0 * sum(nothing) / len(nothing))
