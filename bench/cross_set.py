"""Leave-one-set-out over the TUNE sets: how the linker does on a watchlist its combiners never saw.

usage: python -m bench.cross_set [--sets mx2,latam,...] [--cases-only] [--errors] [--by-watchlist] [--model NAME]

For each TUNE set (monitor.evaluate.TUNE_FOLDERS and the odd ECB+
topics), the combiners are fitted as `monitor fit` fits them (monitor/fit.py's steps) on the other TUNE
sets, written into a temporary models folder (never matchers/models/), loaded from there, and the left-out
set is linked with them and scored as `monitor eval` scores. One row per set and language, then the mean
over sets of each label (a set counts for the labels it has: the ECB+ topics label cases only).

Fast enough to run often: one encoder for every fold (its cache keeps every text embedded once), and each
set's case signals are read once and reused by every fold that fits on that set.

--cases-only fits the case combiners only and keeps the shipped statement and allegation files, so only
the cases and units columns are printed (units: touched, directly or through a linked case, which only the
case decision moves). After the table: false links per 100 items labelled to link no case, per set (the
open world's cost). --errors prints the per-item errors (every set here is TUNE) to stderr, except those of
the BLIND sets (monitor.evaluate.BLIND: fitted on, never read).

--by-watchlist leaves out, with each set, every other set written on the same watchlist file (the shared
watchlist has several): the combiners then never saw the left-out set's cases, units or statements, as for
a user's new watchlist.

Known leak, small: the statement step links its training sets with the shipped allegation file (fit.py
fits statements before allegations), which has seen the left-out set; the left-out set itself is linked
with the fold's own allegation combiner.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from matchers.embeddings import Encoder, TextEncoder
from matchers.fitted import Models
from matchers.linker import Linker
from monitor import fit as fitting
from monitor.evaluate import BLIND, LABELS, PROJECT, SHARED, TUNE_FOLDERS, LabelledSet, predict_rows, score_rows

CASE_LABELS = ("cases", "units")


def tune_sets(project: Path = PROJECT, shared: Path = SHARED) -> list[LabelledSet]:
    """The TUNE split of eval/README.md (monitor.evaluate.TUNE_FOLDERS and the odd ECB+ topics)."""
    sets = [LabelledSet.folder(project / "eval" / name) for name in TUNE_FOLDERS
            if (project / "eval" / name / "items.jsonl").exists()]
    if (shared / "ecbplus" / "items.jsonl").exists():
        sets.append(LabelledSet.ecbplus(shared / "ecbplus", "odd"))
    return sets


class Folds:
    """The loaded sets and each one's case signals, read once for every fold."""

    def __init__(self, sets: list[LabelledSet], encoder: TextEncoder, by_watchlist: bool = False) -> None:
        self.encoder = encoder
        self.data = fitting.load_sets(sets)
        self.signals = {d.name: fitting.case_data([d], encoder) for d in self.data}
        self.together = leave_together({s.name: s.watchlist for s in sets}, by_watchlist)

    def fit_without(self, left_out: str, cases_only: bool, folder: Path) -> Models:
        """Every step of monitor/fit.py on the sets but `left_out` (and, by watchlist, its siblings), written to
        `folder` and read back."""
        train = [d for d in self.data if self.together[d.name] != self.together[left_out]]
        meta: dict[str, object] = {"data": [f"{d.name} ({len(d.rows)} items)" for d in train],
                                   "fitted": dt.date.today().isoformat()}
        found = fitting.CaseData.joined(self.signals[d.name] for d in train)
        done = fitting.fit_case_data(found, meta)
        steps = () if cases_only else fitting.STEPS
        for step in (s for s in steps if s is not fitting.fit_cases):
            done.update(step(train, self.encoder, done, meta))
        shipped = Models.load()
        Models(done["case_base"], done["cases"], done.get("statements", shipped.statements),
               done.get("allegation")).save(folder)
        return Models.load(folder)

    def score(self, name: str, models: Models) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The left-out set's rows and the predictions of a linker using `models`."""
        loaded = next(d for d in self.data if d.name == name)
        linker = Linker(loaded.watchlist, self.encoder, models=models)
        return loaded.rows, predict_rows(Path(), loaded.rows, linker=linker)


def leave_together(watchlists: Mapping[str, Path], by_watchlist: bool) -> dict[str, bytes]:
    """Each set's fold key (sets with one key are left out together): its name, or with `by_watchlist` its
    watchlist file's bytes, so the sets written on one watchlist leave as one."""
    return {name: path.read_bytes() if by_watchlist else name.encode() for name, path in watchlists.items()}


def _cells(report: dict[str, Any], labels: tuple[str, ...]) -> str:
    return "  ".join(f"{report[k]['f1']:10.3f}" if k in report else f"{'-':>10s}" for k in labels)


def run(folds: Folds, cases_only: bool, errors: bool) -> dict[str, dict[str, dict[str, float]]]:
    """Score each set left out; returns {set: {lang or "all": {label: F1}}} and prints the table."""
    labels = CASE_LABELS if cases_only else LABELS
    print(f"{'left out':13s} {'lang':4s} {'n':>4s}  " + "  ".join(f"{k:>10s}" for k in labels), flush=True)
    table: dict[str, dict[str, dict[str, float]]] = {}
    false_links: dict[str, float] = {}
    for loaded in folds.data:
        with tempfile.TemporaryDirectory(prefix="cross-set-models-") as tmp:
            models = folds.fit_without(loaded.name, cases_only, Path(tmp))
        rows, predictions = folds.score(loaded.name, models)
        false_links[loaded.name] = false_links_per_100(rows, predictions)
        languages = sorted({str(r["lang"]) for r in rows if r.get("lang")})
        parts = {"all": rows} | {lang: [r for r in rows if r.get("lang") == lang] for lang in languages}
        table[loaded.name] = {}
        for lang, part in parts.items():
            if lang != "all" and len(part) == len(rows):
                continue
            report = score_rows(part, predictions)
            table[loaded.name][lang] = {k: report[k]["f1"] for k in labels if k in report}
            print(f"{loaded.name if lang == 'all' else '':13s} {lang:4s} {len(part):4d}  {_cells(report, labels)}",
                  flush=True)
            if errors and lang == "all" and loaded.name not in BLIND:
                for line in report["errors"]:
                    if line.split()[1].rstrip(":") in labels:
                        print(f"    {loaded.name} {line}", file=sys.stderr)
    for lang in ("all", "en", "es"):
        means = {k: _mean([t[lang][k] for t in table.values() if lang in t and k in t[lang]]) for k in labels}
        print(f"{'mean':13s} {lang:4s} {'':4s}  " + "  ".join(f"{means[k]:10.3f}" if means[k] is not None
                                                         else f"{'-':>10s}" for k in labels))
    print("false links per 100 link-nothing items: " + "  ".join(f"{k} {v:.1f}" for k, v in false_links.items()))
    tune = [v for k, v in false_links.items() if not k.startswith("ecbplus")]
    print(f"false links per 100 link-nothing items, mean of the project's sets: {_mean(tune) or 0.0:.2f}")
    return table


def false_links_per_100(rows: list[dict[str, Any]], predictions: list[dict[str, Any]]) -> float:
    """Of the items labelled to link no case, how many (per 100) link one: the open world's cost, where
    most items are about nothing on the watchlist."""
    got = {p["id"]: p.get("cases") or [] for p in predictions}
    nothing = [r["id"] for r in rows if "cases" in r["expect"] and not r["expect"]["cases"]]
    return 100.0 * sum(bool(got.get(i)) for i in nothing) / len(nothing) if nothing else 0.0


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="", help="comma-separated TUNE sets to use (default: all of them)")
    parser.add_argument("--cases-only", action="store_true", help="fit and print the case decision only")
    parser.add_argument("--errors", action="store_true", help="per-item errors of each left-out set, to stderr")
    parser.add_argument("--by-watchlist", action="store_true",
                        help="leave out with each set every set of the same watchlist file")
    parser.add_argument("--model", default=None, help="the sentence encoder (default: the bundled one)")
    args = parser.parse_args(argv)
    sets = [s for s in tune_sets() if not args.sets or s.name in args.sets.split(",")]
    if len(sets) < 2:
        parser.error("leave-one-set-out needs at least two TUNE sets")
    # fp32, as `monitor fit`: the figures are those of the fit the project ships, on any CPU
    run(Folds(sets, Encoder.load(args.model, precision="fp32"), args.by_watchlist), args.cases_only, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
