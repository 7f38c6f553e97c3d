"""Leave-one-set-out figures for the allegation decision and the alert, on the TUNE sets only.

usage: python -m bench.alleg_cross [--sets mx2,latam,...] [--errors] [--model NAME] [--write]

For each tune set: the allegation combiner is fitted on the other sets' rows (C and threshold as
`monitor fit` chooses them) and the left-out set is relinked with it; allegation and alert F1 are
printed per language, then the mean over sets. The case and statement combiners stay the shipped ones
(this measures the allegation and accused decisions, not case linking). With --errors, each alert error
of a tune set is printed with its kind (allegation missed / false, accused unit missing / extra).
With --write, the combiner fitted on every set given is written to matchers/models/allegation.json (the
shipped case and statement combiners read the cues, as `monitor fit` does with the ones it has just fitted).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from matchers.allegation import MODEL, Detector
from matchers.allegation_fit import AllegationRow, allegation_rows, to_item
from matchers.embeddings import Encoder
from matchers.linker import Linker
from monitor.config.watchlist import load_watchlist
from monitor.evaluate import BLIND, known_sets
from monitor.evaluate import TUNE_FOLDERS as TUNE
from monitor.fit import allegation_combiner


def f1(rows: Sequence[Mapping[str, Any]], label: str) -> float:
    tp = sum(1 for r in rows if r[label] and r["expect"].get(label))
    wrong = sum(1 for r in rows if bool(r[label]) != bool(r["expect"].get(label)))
    return 2 * tp / (2 * tp + wrong) if tp else 0.0


def kind(row: Mapping[str, Any]) -> str:
    """Why an alert is wrong, in aggregate terms."""
    want, got = row["expect"], row
    if bool(got["allegation"]) != bool(want.get("allegation")):
        return "allegation " + ("false alarm" if got["allegation"] else "missed")
    if got["alert"]:
        return "alert without an accused supported unit expected (accused extra / through case)"
    return "alert missed with the allegation found (accused missing / chain)"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(TUNE))
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--model", default=None)
    parser.add_argument("--write", action="store_true", help="write the combiner fitted on every set given")
    args = parser.parse_args(argv)
    encoder = Encoder.load(args.model)
    wanted = args.sets.split(",")
    sets = [s for s in known_sets() if s.name in wanted and s.name in TUNE]
    linked: dict[str, tuple[Linker, list[dict[str, Any]], list[AllegationRow]]] = {}
    for labelled in sets:
        items = [r for r in labelled.rows() if "allegation" in r["expect"]]
        linker = Linker(load_watchlist(labelled.watchlist), encoder)
        linked[labelled.name] = (linker, items, allegation_rows(linker, items, f"{labelled.name}/"))
    table: list[tuple[str, list[dict[str, Any]]]] = []
    kinds: Counter[str] = Counter()
    for name, (linker, items, _) in linked.items():
        show = args.errors and name not in BLIND  # the blind sets are never read
        train = [r for other, (_, _, rows) in linked.items() if other != name for r in rows]
        model = allegation_combiner(train, {})
        out = predict(linker, items, model)
        table.append((name, out))
        cues_of = {r.id: r.cues for r in linked[name][2]}
        texts = {r["id"]: f"{r.get('title', '')} | {r.get('text', '')}" for r in items}
        for row in out:
            if show and bool(row["allegation"]) != bool(row["expect"].get("allegation")):
                on = {k: round(v, 2) for k, v in cues_of[row["id"]].items() if v}
                print(f"  ALLEG {row['id']} [{row['lang']}] {kind(row)} p={row['p']} cues={on}\n"
                      f"    {' '.join(texts[row['id']].split())[:900]}", file=sys.stderr)
            if bool(row["alert"]) != bool(row["expect"].get("alert")):
                kinds[kind(row)] += 1
                if show:
                    print(f"  {row['id']} [{row['lang']}] {kind(row)}: expect cases={row['expect'].get('cases')} "
                          f"units={row['expect'].get('units')} | got cases={row['cases']} implicated="
                          f"{row['implicated']} at_risk={row['at_risk']} p={row['p']}", file=sys.stderr)
    print(f"{'set':10s} {'lang':4s} {'n':>4s} {'allegation':>10s} {'alert':>7s}")
    for name, out in table:
        for lang in ("all", "en", "es"):
            part = [r for r in out if lang == "all" or r["lang"] == lang]
            print(f"{name:10s} {lang:4s} {len(part):4d} {f1(part, 'allegation'):10.3f} {f1(part, 'alert'):7.3f}")
    print(f"{'mean':10s} {'all':4s} {'':4s} {np.mean([f1(o, 'allegation') for _, o in table]):10.3f} "
          f"{np.mean([f1(o, 'alert') for _, o in table]):7.3f}")
    for k, n in kinds.most_common():
        print(f"  alert errors: {n:3d} {k}")
    if args.write:
        rows = [r for _, _, found in linked.values() for r in found]
        model = allegation_combiner(rows, {"decision": "allegation", "sets": list(linked),
                                           "data": [f"{n} ({len(i)} items)" for n, (_, i, _) in linked.items()]})
        model.save(MODEL)
        print(f"wrote {MODEL}: out-of-fold F1 {model.meta['out_of_fold_f1']}, threshold {model.threshold:.3f}")
    return 0


def predict(linker: Linker, items: Sequence[Mapping[str, Any]], model: Any) -> list[dict[str, Any]]:
    original = linker.allegations
    linker.allegations = Detector(original.prototypes.encoder if original.prototypes else None, model)
    try:
        found = linker.assess_many([to_item(r) for r in items])
    finally:
        linker.allegations = original
    return [{"id": r["id"], "lang": r.get("lang", ""), "expect": r["expect"],
             "allegation": a.allegation is not None, "alert": a.alert, "cases": [c.id for c in a.cases],
             "implicated": list(a.implicated), "at_risk": list(a.at_risk),
             "p": a.allegation.probability if a.allegation else None}
            for r, a in zip(items, found, strict=True)]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
