"""End to end on the shared dev set with the bundled model: the quality bar of issue 3."""

import json
import subprocess
import sys

import pytest

from monitor.evaluate import predict, read_jsonl, run_eval, score, score_rows
from tests.shared import shared_path

EVAL = shared_path("eval")


@pytest.fixture(scope="module")
def dev_predictions(linker):
    return predict(EVAL / "watchlist.yaml", EVAL / "dev.jsonl", linker)


def test_dev_set_meets_the_bar(dev_predictions):
    report = score_rows(read_jsonl(EVAL / "dev.jsonl"), dev_predictions)
    assert report["alert"]["f1"] >= 0.95
    assert report["cases"]["f1"] >= 0.95
    assert report["units"]["f1"] >= 0.9
    assert report["allegation"]["f1"] >= 0.9


def test_dev_statements_meet_the_bar_in_both_languages(dev_predictions):
    report = score_rows(read_jsonl(EVAL / "dev.jsonl"), dev_predictions)
    assert report["statements"]["precision"] >= 0.9
    assert report["statements"]["f1"] >= 0.8


def test_predictions_have_the_contract_shape(dev_predictions):
    assert {tuple(sorted(p)) for p in dev_predictions} == {
        ("alert", "allegation", "cases", "id", "statements", "units")}


def test_score_matches_the_shared_script(tmp_path, dev_predictions, encoder):
    predictions = tmp_path / "p.jsonl"
    text = run_eval(EVAL / "watchlist.yaml", EVAL / "dev.jsonl", predictions, encoder)
    assert "cases" in text and len(predictions.read_text().splitlines()) == len(dev_predictions)
    shared = subprocess.run([sys.executable, str(EVAL / "score.py"), str(EVAL / "dev.jsonl"),
                             str(predictions), "--json"], capture_output=True, text=True, check=True)
    ours = score(EVAL / "dev.jsonl", predictions)
    theirs = json.loads(shared.stdout)
    assert {k: v for k, v in ours.items() if k != "errors"} == theirs
