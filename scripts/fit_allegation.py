"""Fit matchers/models/allegation.json on the TUNE sets and print out-of-fold figures (EN and ES apart).

usage: python scripts/fit_allegation.py [--set eval/mx2 --set eval/latam] [--out matchers/models/allegation.json]

Each set is a folder with watchlist.yaml and items.jsonl. The figures are out-of-fold: every item is
relinked with a combiner fitted without its case's items. `monitor fit` (the combiner's command) calls
the same `fit_allegation`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from matchers.allegation import MODEL, Detector
from matchers.allegation_fit import Labelled, allegation_rows, cross_validate, f1, fit_allegation, to_item
from matchers.embeddings import Encoder
from matchers.linker import Linker
from monitor.config.watchlist import load_watchlist


def read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", type=Path, dest="sets")
    parser.add_argument("--out", type=Path, default=MODEL)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("-C", type=float, default=1.0)
    args = parser.parse_args()
    encoder = Encoder.load()
    sets = [Labelled(p.name, Linker(load_watchlist(p / "watchlist.yaml"), encoder), read(p / "items.jsonl"))
            for p in args.sets or [Path("eval/mx2"), Path("eval/latam")]]
    rows = [r for s in sets for r in allegation_rows(s.linker, s.items, prefix=f"{s.name}:")]
    rule = []
    for s in sets:
        s.linker.allegations = Detector(encoder, model=None)
        rule += [{"id": r["id"], "lang": r.get("lang", ""), "allegation": a.allegation is not None, "alert": a.alert,
                  "expect": r["expect"]} for r, a in zip(s.items, s.linker.assess_many([to_item(r) for r in s.items]),
                                                      strict=True)]
    oof = cross_validate(sets, rows, folds=args.folds, c=args.C)
    for name, preds in (("lexicon rule", rule), ("combiner, out-of-fold", oof)):
        for lang in (None, "en", "es"):
            scores = f"allegation {f1(preds, 'allegation', lang)}  alert {f1(preds, 'alert', lang)}"
            print(f"{name:22s} {lang or 'all':3s} {scores}")
    model = fit_allegation(rows, c=args.C, folds=args.folds,
                           meta={"sets": [s.name for s in sets], "out_of_fold_alert_f1": f1(oof, "alert")["f1"]})
    model.save(args.out)
    print(f"wrote {args.out}: threshold {model.threshold:.3f}, out-of-fold F1 {model.meta['out_of_fold_f1']}")
    print("  " + ", ".join(f"{f} {w:+.2f}" for f, w in zip(model.features, model.weights, strict=True)))


if __name__ == "__main__":
    main()
