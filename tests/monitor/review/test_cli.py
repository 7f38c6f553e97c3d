"""`monitor review`, `monitor labels` (scored by shared/eval/score.py) and `monitor relink` on a first-release
database (tests/release_1.py: the demo's 9 items and 4 alerts)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from matchers.embeddings import Encoder
from monitor.cli import main
from monitor.demo import WATCHLIST
from monitor.evaluate import predict
from monitor.review.relink import WATCHLIST_KEY, fingerprint
from monitor.store.database import Store
from tests.shared import shared_path


@pytest.fixture
def db(release_1_db: str) -> str:
    return release_1_db


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_review_records_verdicts_the_last_one_wins_and_history_is_kept(db: str) -> None:
    assert run("review", "2", "credible", "--by", "ana", "--db", db) == (0, "alert 2: Credible by ana\n")
    code, out = run("review", "2", "not-this-unit", "--note", "the 27th, not the 102nd", "--by", "bea", "--db", db)
    assert code == 0 and "Not this unit by bea (verdict 2; the earlier ones are kept)" in out
    store = Store(db)
    assert [(r.verdict, r.by) for r in store.reviews(2)] == [("credible", "ana"), ("not-this-unit", "bea")]
    latest = store.latest_review(2)
    assert latest is not None and latest.note == "the 27th, not the 102nd"
    item_id = next(row.item_id for row in [store.alert(2)] if row is not None)
    assert store.verdicts([item_id])[item_id].verdict == "not-this-unit"


def test_review_refuses_an_unknown_alert_and_an_unknown_verdict(db: str) -> None:
    code, out = run("review", "99", "credible", "--db", db)
    assert code == 1 and "error: no alert 99 in the store" in out
    code, out = run("review", "1", "plausible", "--db", db)
    assert code == 2 and "'plausible' is not one of" in out


def test_labels_export_reviewed_items_that_score_py_scores(db: str, tmp_path: Path, encoder: Encoder) -> None:
    for alert_id, verdict in ((1, "credible"), (2, "not-this-unit"), (3, "duplicate"), (4, "not-an-allegation")):
        assert run("review", str(alert_id), verdict, "--by", "ana", "--db", db)[0] == 0
    out = tmp_path / "labels.jsonl"
    code, said = run("labels", "--out", str(out), "--db", db)
    assert code == 0 and said == f"3 labelled items written to {out} (1 duplicates left out: they say nothing " \
                                 "about the links)\n"
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    expects = {row["review"]["verdict"]: row["expect"] for row in rows}
    assert expects["credible"]["alert"] is True and expects["credible"]["units"]
    assert expects["not-this-unit"] == {**expects["not-this-unit"], "allegation": True, "alert": False}
    assert expects["not-an-allegation"]["allegation"] is False
    assert all(row["text"] and row["title"] for row in rows)

    predictions = tmp_path / "predictions.jsonl"
    predictions.write_text("".join(json.dumps(p) + "\n" for p in predict(WATCHLIST, out, encoder=encoder)),
                           encoding="utf-8")
    scored = subprocess.run([sys.executable, str(shared_path("eval", "score.py")), str(out), str(predictions),
                             "--json"], capture_output=True, text=True, timeout=60)
    assert scored.returncode == 0, scored.stderr
    report = json.loads(scored.stdout)
    # The linker still alerts on all three; the group said two of them should not have alerted.
    assert report["alert"]["tp"] == 1 and report["alert"]["fp"] == 2 and report["alert"]["fn"] == 0
    assert report["allegation"]["fp"] == 1  # "not an allegation", yet the linker finds one


def test_relink_on_an_unchanged_watchlist_reports_nothing_and_records_the_fingerprint(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)  # archive messages, if any, to the console
    code, out = run("relink", "--watchlist", str(WATCHLIST), "--db", db)
    assert code == 0, out
    # The fixture was linked by the first release's linker, so links may change, but nothing newly alerts.
    assert "0 newly implicate a supported unit: 0 archive messages" in out
    assert Store(db).meta(WATCHLIST_KEY) == fingerprint(WATCHLIST)
    code, out = run("relink", "--watchlist", str(WATCHLIST), "--db", db)
    assert code == 0, out
    assert "relinked 9 items (0 changed); 0 newly implicate a supported unit: 0 archive messages" in out
