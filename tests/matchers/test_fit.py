"""`monitor fit` on a tiny labelled set: it writes combiners the linker can load and decide with."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner

from matchers import cases
from matchers.fitted import Models
from matchers.linker import Linker
from monitor.cli import main
from monitor.config.watchlist import load_watchlist
from monitor.evaluate import LabelledSet, predict
from monitor.fit import CaseData, dense_bound, neutral

TINY = Path(__file__).parent.parent / "fixtures" / "labelled" / "rioverde"


def test_fit_command_writes_every_model_with_its_meta(tmp_path: Path, encoder):
    result = CliRunner().invoke(main, ["fit", "--data", str(TINY), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "cases" in result.output and "statements" in result.output
    models = Models.load(tmp_path)
    meta = json.loads((tmp_path / "cases.json").read_text())["meta"]
    assert meta["data"] == ["rioverde (12 items)"] and meta["rows"] == 24 and meta["positives"] == 7
    assert 0.0 <= meta["out_of_fold_f1"] <= 1.0 and meta["fitted"]
    linker = Linker(load_watchlist(TINY / "watchlist.yaml"), encoder, models=models)
    predictions = predict(TINY / "watchlist.yaml", TINY / "items.jsonl", linker)
    linked = {p["id"]: p["cases"] for p in predictions}
    assert linked["x-1"] == [] and linked["rv-1"] == ["rio-verde-2019"]


def test_fit_without_data_is_a_usage_error():
    result = CliRunner().invoke(main, ["fit"])
    assert result.exit_code == 2 and "--data" in result.output


def test_ecbplus_topics_split_by_parity():
    shared = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "ecbplus"
    odd, even = (LabelledSet.ecbplus(shared, t).rows() for t in ("odd", "even"))
    assert odd and even and not {r["id"] for r in odd} & {r["id"] for r in even}
    assert all(int(r["id"].split("_")[0].split("-")[1]) % 2 == 1 for r in odd)


def test_case_rows_take_rival_margins_from_the_base_log_odds():
    a = cases.CaseScore("a", 0.5, 0.5, 0.2, 0.4, 0.6, 1, True, False, True)
    b = cases.CaseScore("b", 0.1, 0.0, 0.0, 0.1, 0.1, 0, False, False, False)
    data = CaseData([("s/i1", [a, b], {"a"})])
    rows = data.rows([2.0, -1.0], nothing=-5.0)
    values = [dict(zip(rows.features, x, strict=True)) for x in rows.x]
    assert rows.y == [1, 0] and rows.groups == ["s/i1", "s/i1"]
    assert values[0]["base_margin"] == 3.0 and values[0]["top_base"] == 1.0 and values[1]["top_base"] == 0.0
    assert values[0]["lexical_margin"] == 0.4 and values[1]["rival_alias"] == 1.0
    alone = CaseData([("s/i2", [a], {"a"})]).rows([2.0], nothing=-5.0)
    assert dict(zip(alone.features, alone.x[0], strict=True))["base_margin"] == 7.0  # against a case with nothing


def test_case_rows_take_each_sets_likeness_and_joined_sets_keep_theirs():
    a = cases.CaseScore("a", 0.5, 0.5, 0.2, 0.4, 0.6, 1, True, False, True)
    b = cases.CaseScore("b", 0.4, 0.0, 0.0, 0.1, 0.1, 0, False, False, False)
    alike = CaseData([("s/i1", [a, b], {"a"})], {"s": np.array([[0.0, 0.7], [0.7, 0.0]])})
    apart = CaseData([("t/i1", [a, b], {"a"})])  # a set without likeness: its cases alike in nothing
    rows = CaseData.joined([alike, apart]).rows([2.0, -1.0, 2.0, -1.0], nothing=-5.0)
    column = rows.features.index("rival_likeness")
    assert [x[column] for x in rows.x] == [0.0, 0.7, 0.0, 0.0]  # the top case gets none; b is alike the top


def test_dense_bound_rises_with_the_sparse_signals():
    rows = CaseData([(f"s/{i}", [cases.CaseScore("a", lex, lex, 0.0, lex, lex, 0, False, False, False,
                                                 dense=0.2 + lex)], {"a"} if lex > 0.3 else set())
                     for i, lex in enumerate(np.linspace(0, 0.6, 13))]).own_rows()
    bound = dense_bound(rows)
    weights = bound["weights"]
    assert weights["lexical"] + weights["lead"] + weights["content"] + weights["passage"] > 0.5
    assert abs(bound["margin"]) < 1e-6  # dense is exactly linear in the signals here


def test_a_neutral_combiner_links_nothing(watchlist):
    models = Models(neutral(cases.OWN), neutral(cases.FEATURES), Models.load().statements)
    found = Linker(watchlist, models=models).assess_many([])
    assert found == []
