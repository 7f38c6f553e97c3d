"""Case linking across watchlists, fast: leave one TUNE set out, fit the case combiners on the others,
score the left-out set's cases from signals read once.

usage: python -m bench.case_cross [--sets mx2,latam,...] [--cache FILE] [--by-watchlist] [--errors]

Each set's case signals (`monitor.fit.case_data`, the rows `monitor fit` fits on: dense always computed)
are read once and kept in `--cache`; a change to how `matchers/cases.py` builds its features from a
`CaseScore` (OWN, FEATURES, the C grid) is then measured in seconds, without the linker. A change to the
signals themselves (a new `CaseScore` field, a pattern) needs a new cache.

The figure is item-level micro F1 of the cases label as shared/eval/score.py counts it, per set and
language, and the mean over sets. It differs a little from `bench.cross_set --cases-only` (which links
with the prefilter: an item no case can reach gets no dense signal, a weak one fewer passages); that one
is the figure to report, this one is for choosing what to try. --errors prints the per-item errors of the
sets that are not BLIND (monitor.evaluate.BLIND) to stderr.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.cross_set import leave_together, tune_sets
from matchers import cases as case_features
from matchers.combiner import Combiner
from monitor import fit as fitting
from monitor.evaluate import BLIND, prf


@dataclass(frozen=True)
class SetSignals:
    """One set's case signals and what each item should link."""

    name: str
    data: fitting.CaseData
    langs: dict[str, str]  # group ("set/item") -> language ("" when the set has none)


def collect(cache: Path | None, names: list[str]) -> list[SetSignals]:
    """Every TUNE set's signals, from `cache` when it has them (written there otherwise)."""
    if cache is not None and cache.exists():
        stored = pickle.loads(cache.read_bytes())  # plain tuples: a dataclass pickled by `-m` is __main__'s
        return [SetSignals(*s) for s in stored if not names or s[0] in names]
    from matchers.embeddings import Encoder

    encoder = Encoder.load(None, precision="fp32")
    out = []
    for loaded in fitting.load_sets([s for s in tune_sets() if not names or s.name in names]):
        data = fitting.case_data([loaded], encoder)
        langs = {f"{loaded.name}/{r['id']}": str(r.get("lang") or "") for r in loaded.rows}
        out.append(SetSignals(loaded.name, data, langs))
        print(f"read {loaded.name}", file=sys.stderr, flush=True)
    if cache is not None:
        cache.write_bytes(pickle.dumps([(s.name, s.data, s.langs) for s in out]))
    return out


def probabilities(data: fitting.CaseData, base: Combiner, cases: Combiner) -> list[np.ndarray]:
    """Per item, each case's probability as `CaseModel` computes it."""
    base_weights = case_features.weights_in(base, case_features.OWN)
    weights = case_features.weights_in(cases, case_features.FEATURES)
    return [case_features.combined(case_features.own_matrix(scores), data.likeness.get(group.split("/", 1)[0]),
                                   base, base_weights, cases, weights)
            for group, scores, _ in data.items]


_FLAGS = ("alias", "reference", "loose", "toll", "day", "place", "unit_named", "force")


def score(found: SetSignals, models: dict[str, Combiner], errors: bool) -> dict[str, float]:
    """Micro F1 of the cases label per language ("all" too), and false links per 100 link-nothing items."""
    threshold = models["cases"].threshold
    counts: dict[str, list[int]] = {}
    nothing = wrong_nothing = 0
    for (group, scores, wanted), p in zip(found.data.items, probabilities(found.data, models["case_base"],
                                                                          models["cases"]), strict=True):
        got = {s.case for s, q in zip(scores, p, strict=True) if q >= threshold}
        for key in ("all", found.langs.get(group, "")):
            c = counts.setdefault(key, [0, 0, 0])
            c[0], c[1], c[2] = c[0] + len(got & wanted), c[1] + len(got - wanted), c[2] + len(wanted - got)
        if not wanted:
            nothing, wrong_nothing = nothing + 1, wrong_nothing + bool(got)
        if errors and got != wanted and found.name not in BLIND:
            detail = ", ".join(f"{s.case} {q:.2f}" for s, q in sorted(zip(scores, p, strict=True),
                                                                       key=lambda t: -t[1])[:3])
            flags = "; ".join(f"{s.case}: " + " ".join(f for f in _FLAGS if getattr(s, f)) + f" lex {s.lexical:.2f}"
                              f" content {s.content:.2f} dense {s.dense:.2f}" for s in scores
                              if s.case in wanted ^ got)
            print(f"    {group}: expected {sorted(wanted)}, got {sorted(got)}  [{detail}] {{{flags}}}",
                  file=sys.stderr)
    out = {k: prf(*v)["f1"] for k, v in counts.items() if k}
    out["false"] = 100.0 * wrong_nothing / nothing if nothing else 0.0
    return out


def run(sets: list[SetSignals], by_watchlist: bool, errors: bool) -> dict[str, dict[str, float]]:
    watchlists = {s.name: s.watchlist for s in tune_sets()}
    together = leave_together({s.name: watchlists[s.name] for s in sets}, by_watchlist)
    table = {}
    for left in sets:
        train = [s.data for s in sets if together[s.name] != together[left.name]]
        models = fitting.fit_case_data(fitting.CaseData.joined(train), {})
        table[left.name] = score(left, models, errors)
        row = table[left.name]
        print(f"{left.name:13s} " + "  ".join(f"{k} {row[k]:.3f}" for k in ("all", "en", "es") if k in row)
              + f"  false/100 {row['false']:.1f}", flush=True)
    for key in ("all", "en", "es"):
        values = [t[key] for t in table.values() if key in t]
        print(f"{'mean ' + key:13s} {sum(values) / len(values):.3f}")
    blind = [table[b]["all"] for b in BLIND if b in table]
    print("blind " + "  ".join(f"{b} {table[b]['all']:.3f}" for b in BLIND if b in table)
          + (f"  mean {sum(blind) / len(blind):.3f}" if blind else ""))
    project = [t["false"] for k, t in table.items() if not k.startswith("ecbplus")]
    print(f"false links per 100 link-nothing items, mean of the project's sets: {sum(project) / len(project):.2f}")
    return table


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="", help="comma-separated TUNE sets (default: all of them)")
    parser.add_argument("--cache", type=Path, default=None, help="keep the sets' case signals in this file")
    parser.add_argument("--by-watchlist", action="store_true",
                        help="leave out with each set every set of the same watchlist file")
    parser.add_argument("--errors", action="store_true", help="per-item errors of each left-out set, to stderr")
    args = parser.parse_args(argv)
    names = [n for n in args.sets.split(",") if n]
    run(collect(args.cache, names), args.by_watchlist, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
