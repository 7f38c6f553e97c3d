"""`monitor eval`: link a labelled item set with the real matcher, write predictions, score them.

Items are JSONL like `shared/eval/dev.jsonl` (`id, lang, source, title, text, expect`); predictions are
one `{"id", "cases", "units", "statements", "allegation", "alert"}` a line, and the score is the one
`shared/eval/score.py` computes (micro P/R/F1 per label).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from matchers.embeddings import TextEncoder
from matchers.linker import Linker
from monitor.config.watchlist import load_watchlist
from monitor.domain.assessment import Assessment
from monitor.domain.item import Item

LABELS = ("cases", "units", "statements", "allegation", "alert")
PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared" / "eval"  # shared/ sits beside the project

Topics = Literal["odd", "even"]
_TOPIC = re.compile(r"^ecb-(\d+)_")


@dataclass(frozen=True)
class LabelledSet:
    """A watchlist with its labelled items; for ECB+, only the odd or the even topics (`topics`)."""

    name: str
    watchlist: Path
    items: Path
    topics: Topics | None = None

    def rows(self) -> list[dict[str, Any]]:
        rows = read_jsonl(self.items)
        return rows if self.topics is None else [r for r in rows if topic_parity(r["id"]) == self.topics]

    @classmethod
    def folder(cls, path: Path) -> LabelledSet:
        """A set folder such as eval/mx2: watchlist.yaml and items.jsonl side by side."""
        return cls(Path(path).name, Path(path) / "watchlist.yaml", Path(path) / "items.jsonl")

    @classmethod
    def ecbplus(cls, path: Path, topics: Topics) -> LabelledSet:
        return cls(f"ecbplus-{topics}", Path(path) / "watchlist.yaml", Path(path) / "items.jsonl", topics)


# The binding split of eval/README.md: fits, thresholds and lexicon entries come from TUNE only; VALIDATION
# (and the shared dev set) is run for aggregate figures. One place, read by `monitor fit`'s tests and bench/.
TUNE_FOLDERS = ("mx2", "latam", "seedcases", "tune4", "tune5", "tune6", "tune7", "tune8", "tune9", "tune10",
                "tune11", "tune12", "tune13", "tune14", "tune15", "tune16", "tune17", "tune18", "tune19",
                "tune20", "tune21", "tune22", "tune23", "tune24", "tune25", "tune26", "tune27", "tune28")
TUNE = (*TUNE_FOLDERS, "ecbplus-odd")
# TUNE sets that are fitted on and scored in leave-one-set-out, but whose items and errors nobody reads: a
# lexicon entry written from the errors of the other sets is checked on text its author never saw. The
# bench/ harnesses never print their per-item errors.
# tune16 is a read set from the eighth session on; in the seventh, written while the round ran, nobody read it.
# tune17 was written at the start of the eighth session and joined the fit with that session's final refit;
# tune18 the same way in the ninth (during that session no combiner had seen it: it judged each change).
# tune19 the same way in the tenth; tune20, written then too, is a read set (it stresses statements) from the start.
# tune21 the same way in the eleventh; tune22 (the shared watchlist), written then too, is a read set from the start.
# tune25 the same way in the fourteenth (a hold-out that judged each branch, then fitted on in the final refit).
BLIND = ("tune13", "tune14", "tune15", "tune17", "tune18", "tune19", "tune21", "tune25", "tune26")
VALIDATION = ("world", "ca", "mx3", "val4", "val5", "val6", "val7", "val8", "val9", "val10", "val11", "val12",
              "val13", "val14", "val15", "val16", "val17", "val18", "val19", "val20", "val21", "val22", "val23",
              "val24", "val25", "val26", "val27", "val28", "val29",
              "val30", "val31", "val32", "val33", "val34", "val35", "val36", "ecbplus-even", "shared-dev")


def topic_parity(item_id: str) -> Topics | None:
    """"odd" or "even" for an ECB+ item id ("ecb-12_3ecbplus" is topic 12), None for any other id."""
    found = _TOPIC.match(item_id)
    if found is None:
        return None
    return "odd" if int(found.group(1)) % 2 else "even"


def known_sets(project: Path = PROJECT, shared: Path = SHARED) -> list[LabelledSet]:
    """Every labelled set: the project's eval/<name>/ folders, the shared dev set, the two ECB+ halves."""
    folders = sorted(p for p in (project / "eval").glob("*") if (p / "items.jsonl").exists())
    sets = [LabelledSet.folder(p) for p in folders]
    if (shared / "dev.jsonl").exists():
        sets.append(LabelledSet("shared-dev", shared / "watchlist.yaml", shared / "dev.jsonl"))
    if (shared / "ecbplus" / "items.jsonl").exists():
        sets += [LabelledSet.ecbplus(shared / "ecbplus", "odd"), LabelledSet.ecbplus(shared / "ecbplus", "even")]
    return sets


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def to_item(row: dict[str, Any]) -> Item:
    """An eval row as the Item a feed would have produced."""
    return Item(feed="eval", guid=row["id"], url="", title=row.get("title", ""), summary=row.get("text", ""),
                language=row.get("lang"))


def prediction(key: str, assessment: Assessment) -> dict[str, Any]:
    return {
        "id": key,
        "cases": [link.id for link in assessment.cases],
        "units": [link.id for link in assessment.units],
        "statements": [link.id for link in assessment.statements],
        "allegation": assessment.allegation is not None,
        "alert": assessment.alert,
    }


def predict(watchlist_path: Path, items_path: Path, linker: Linker | None = None,
            encoder: TextEncoder | None = None) -> list[dict[str, Any]]:
    """One prediction per item of `items_path`; builds a Linker for the watchlist unless given one."""
    return predict_rows(Path(watchlist_path), read_jsonl(Path(items_path)), linker, encoder)


def predict_rows(watchlist_path: Path, rows: Sequence[dict[str, Any]], linker: Linker | None = None,
                 encoder: TextEncoder | None = None) -> list[dict[str, Any]]:
    if linker is None:
        linker = Linker(load_watchlist(Path(watchlist_path)), encoder)
        linker.warm_up()  # the watchlist and prototypes embedded once, as `monitor run` does before its first poll
    assessments = linker.assess_many([to_item(r) for r in rows])
    return [prediction(r["id"], a) for r, a in zip(rows, assessments, strict=True)]


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def _as_set(value: Any) -> set[Any]:
    if isinstance(value, bool) or value is None:
        return {True} if value else set()
    return set(value)


def score_rows(items: Sequence[dict[str, Any]], predictions: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Per-label P/R/F1 micro-averaged over (item, label) pairs, exactly as shared/eval/score.py."""
    preds = {p["id"]: p for p in predictions}
    missing = [r["id"] for r in items if r["id"] not in preds]
    if missing:
        raise ValueError(f"missing predictions for {missing[:5]}")
    report: dict[str, Any] = {}
    errors: list[str] = []
    for label in (k for k in LABELS if any(k in r["expect"] for r in items)):
        tp = fp = fn = 0
        for row in (r for r in items if label in r["expect"]):
            want, got = _as_set(row["expect"][label]), _as_set(preds[row["id"]].get(label))
            tp, fp, fn = tp + len(want & got), fp + len(got - want), fn + len(want - got)
            if want != got:
                errors.append(f"{row['id']} {label}: expected {sorted(map(str, want))}, "
                              f"got {sorted(map(str, got))}")
        report[label] = prf(tp, fp, fn)
    report["errors"] = errors
    return report


def score(items_path: Path, predictions_path: Path) -> dict[str, Any]:
    return score_rows(read_jsonl(Path(items_path)), read_jsonl(Path(predictions_path)))


def format_report(report: dict[str, Any], errors: bool = True) -> str:
    lines = [f"  {e}" for e in report.get("errors", [])] if errors else []
    lines += [f"{label:11s} P={m['precision']:.3f} R={m['recall']:.3f} F1={m['f1']:.3f}"
              for label, m in report.items() if label != "errors"]
    return "\n".join(lines)


def by_language(items: Sequence[dict[str, Any]], predictions: Sequence[dict[str, Any]]) -> str:
    """The P/R/F1 table of each language the items carry (`lang`), when there are at least two."""
    languages = sorted({r["lang"] for r in items if r.get("lang")})
    if len(languages) < 2:
        return ""
    parts = []
    for lang in languages:
        part = [r for r in items if r.get("lang") == lang]
        parts.append(f"-- {lang} ({len(part)} items)\n" + format_report(score_rows(part, predictions), errors=False))
    return "\n".join(parts)


def run_eval(watchlist_path: Path, items_path: Path, predictions_path: Path,
             encoder: TextEncoder | None) -> str:
    """Link every item, write the predictions JSONL, and return the score report as text."""
    predictions = predict(Path(watchlist_path), Path(items_path), encoder=encoder)
    with open(predictions_path, "w", encoding="utf-8") as f:
        for row in predictions:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    items = read_jsonl(Path(items_path))
    report = format_report(score_rows(items, read_jsonl(Path(predictions_path))))
    languages = by_language(items, predictions)
    return f"{report}\n{languages}" if languages else report
