"""Every labelled set in one table: tune, validation, the shared dev set and the ECB+ halves.

usage: python bench/eval_all.py [--sets mx2,latam,...] [--errors] [--eval-dir DIR] [--model NAME]

Each set is linked by the real matcher (the bundled model, loaded once) and scored as `monitor eval`
and `shared/eval/score.py` do; a row per set and language (all, en, es). Per-item errors are printed only
with --errors and only for TUNE sets: validation figures are read in aggregate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from matchers.embeddings import Encoder
from monitor.evaluate import BLIND, LABELS, PROJECT, TUNE, LabelledSet, known_sets, predict_rows, score_rows


def _row(name: str, lang: str, report: dict[str, dict[str, float]], count: int) -> str:
    cells = [f"{report[k]['f1']:.3f}" if k in report else "  -  " for k in LABELS]
    return f"{name:13s} {lang:4s} {count:4d}  " + "  ".join(f"{c:>10s}" for c in cells)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="", help="comma-separated set names (default: every set found)")
    parser.add_argument("--errors", action="store_true", help="print per-item errors of TUNE sets")
    parser.add_argument("--model", default=None)
    parser.add_argument("--eval-dir", type=Path, default=PROJECT / "eval", help="folder of the project's sets")
    args = parser.parse_args(argv)
    sets = known_sets(args.eval_dir.parent)
    wanted = [s for s in sets if not args.sets or s.name in args.sets.split(",")]
    encoder = Encoder.load(args.model)
    print(f"{'set':13s} {'lang':4s} {'n':>4s}  " + "  ".join(f"{k:>10s}" for k in LABELS))
    for labelled in wanted:
        print_set(labelled, encoder, args.errors and labelled.name in TUNE and labelled.name not in BLIND)
    return 0


def print_set(labelled: LabelledSet, encoder: Encoder, errors: bool) -> None:
    rows = labelled.rows()
    predictions = predict_rows(labelled.watchlist, rows, encoder=encoder)
    report = score_rows(rows, predictions)
    print(_row(labelled.name, "all", report, len(rows)))
    for lang in sorted({r.get("lang") for r in rows if r.get("lang")}):
        part = [r for r in rows if r.get("lang") == lang]
        if len(part) < len(rows):
            print(_row("", lang, score_rows(part, predictions), len(part)))
    if errors:
        for line in report["errors"]:
            print(f"    {line}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
