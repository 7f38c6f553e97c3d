"""End to end on the shared dev set with the bundled model: the quality bar of issue 3."""

import json
import subprocess
import sys

import pytest

from monitor.evaluate import by_language, known_sets, predict, read_jsonl, run_eval, score, score_rows
from tests.shared import shared_path

EVAL = shared_path("eval")


@pytest.fixture(scope="module")
def dev_predictions(linker):
    return predict(EVAL / "watchlist.yaml", EVAL / "dev.jsonl", linker)


def test_dev_set_stays_above_the_regression_floor(dev_predictions):
    # The shared dev set is not tuned on (the combiners are fitted on the TUNE split of eval/README.md), so
    # this is a floor against a collapse, not a target met by fitting: the alert target there is 0.95;
    # the linker fitted leaving whole watchlists out scores 0.917, as the closing note says.
    report = score_rows(read_jsonl(EVAL / "dev.jsonl"), dev_predictions)
    assert report["alert"]["f1"] >= 0.9
    assert report["allegation"]["f1"] >= 0.9
    assert report["cases"]["f1"] >= 0.85 and report["units"]["f1"] >= 0.85


def test_report_has_a_table_per_language(tmp_path, encoder):
    text = run_eval(EVAL / "watchlist.yaml", EVAL / "dev.jsonl", tmp_path / "p.jsonl", encoder)
    assert "-- en (19 items)" in text and "-- es (9 items)" in text
    english = text.split("-- en (19 items)")[1].split("-- es")[0]
    assert english.count("F1=") == 5


def test_rows_of_one_language_score_apart():
    rows = [{"id": "a", "lang": "en", "expect": {"cases": ["c"]}},
            {"id": "b", "lang": "es", "expect": {"cases": ["c"]}}]
    predictions = [{"id": "a", "cases": ["c"]}, {"id": "b", "cases": []}]
    assert "-- en (1 items)\ncases       P=1.000 R=1.000 F1=1.000" in by_language(rows, predictions)
    assert "-- es (1 items)\ncases       P=1.000 R=0.000 F1=0.000" in by_language(rows, predictions)
    assert by_language(rows[:1], predictions) == ""  # one language: the main table says it all


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


def test_known_sets_are_the_project_folders_the_shared_dev_set_and_both_ecbplus_halves():
    names = [s.name for s in known_sets()]
    assert {"mx2", "latam", "world", "ca"} <= set(names)
    assert names[-3:] == ["shared-dev", "ecbplus-odd", "ecbplus-even"]
    assert all(s.watchlist.exists() and s.items.exists() for s in known_sets())
