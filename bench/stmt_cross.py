"""Statement linking across watchlists: leave one TUNE set out, fit the statement combiner on the others.

usage: python -m bench.stmt_cross [--sets mx2,latam,...] [--errors] [--cache FILE] [--features A,B;C,D]
                                  [--by-watchlist] [--grid 0.1,0.3]

Cases are linked by the shipped case models (the `cases` helper's part); what rotates is the statement
combiner. Every figure is item-level micro F1 as shared/eval/score.py counts it, so a statement missed
because its case was not linked counts as a miss ("case" below), one in play but not linked as a miss
("claim"), a wrong link as a false link ("false").  Only TUNE sets may be given here (eval/README.md).
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from bench.cross_set import leave_together
from matchers import statements as stmts
from matchers.combiner import Combiner
from matchers.embeddings import Encoder
from matchers.fitted import Models
from matchers.linker import Linker
from monitor.config.watchlist import load_watchlist
from monitor.domain.assessment import Allegation
from monitor.evaluate import BLIND, PROJECT, LabelledSet, prf, to_item
from monitor.evaluate import TUNE_FOLDERS as TUNE
from monitor.fit import Loaded, Rows, fit_rows, load_sets


@dataclass
class Row:
    """One (item, statement in play) with its feature values."""

    set: str
    item: str
    lang: str
    statement: str
    values: dict[str, float]
    label: bool


@dataclass
class SetData:
    name: str
    rows: list[Row]
    expected: dict[str, tuple[str, set[str]]]  # item -> (lang, wanted statements)
    # each labelled item's statement signals as the linker saw them: the cache keeps these, so a change to
    # `statements.features` or `statements.profile` (`reprofiled`) is measured without running the linker again
    # (a change to what the linker reads of an item, its passages' keys, concept hits or dense closeness, needs
    # a new cache)
    signals: list[tuple[str, list[stmts.Signals], Allegation | None]] = field(default_factory=list)


def reprofiled(data: SetData) -> SetData:
    """The kept signals with each statement's profile built again from the set's watchlist: a change to
    `statements.profile` (or to the concept lexicon it reads) is then measured on the cache too; what the linker
    found in each item (its passages' keys, concept hits, dense closeness) stays as it was when the cache was
    written."""
    if not getattr(data, "signals", None):
        return data
    watchlist = load_watchlist(PROJECT / "eval" / data.name / "watchlist.yaml")
    fresh = {s.id: stmts.profile(s, watchlist.case_by_id) for s in watchlist.statements}
    data.signals = [(item, [replace(s, found=fresh.get(s.found.statement.id, s.found)) for s in signals],
                     allegation) for item, signals, allegation in data.signals]
    return data


def collect(data: Loaded, encoder: Encoder, models: Models) -> SetData:
    labelled = [r for r in data.rows if "statements" in r["expect"]]
    linker = Linker(data.watchlist, encoder, models=models)
    found = linker.statement_signals([to_item(r) for r in labelled])
    expected = {r["id"]: (r.get("lang", "?"), set(r["expect"]["statements"])) for r in labelled}
    return with_rows(SetData(data.name, [], expected,
                             [(r["id"], signals, allegation) for r, (signals, allegation) in zip(labelled, found,
                                                                                                  strict=True)]))


def with_rows(data: SetData) -> SetData:
    """The set's rows, each (item, statement in play) with its `statements.features` from the kept signals (a
    cache written before signals were kept has none: its rows stay as they were)."""
    if not getattr(data, "signals", None):
        return data
    data.rows = []
    for item, signals, allegation in data.signals:
        lang, wanted = data.expected[item]
        for s, values in zip(signals, stmts.features(signals, allegation), strict=True):
            data.rows.append(Row(data.name, item, lang, s.found.statement.id, values, s.found.statement.id in wanted))
    return data


def impute(data: list[SetData]) -> list[SetData]:
    """Unknown dense features get the mean over every set's known rows, as monitor fit gives them."""
    stmts.impute_unknown([r.values for d in data for r in d.rows])
    return data


def to_rows(rows: list[Row], features: tuple[str, ...] = stmts.FEATURES) -> Rows:
    found = Rows.empty(features)
    for r in rows:
        found.add(f"{r.set}/{r.item}", r.values, r.label)
    return found


def score(held: SetData, combiner: Combiner, lang: str | None = None) -> tuple[dict[str, float], Counter[str]]:
    got: dict[str, set[str]] = {}
    for r in held.rows:
        if combiner.probability({f: r.values[f] for f in combiner.features}) >= combiner.threshold:
            got.setdefault(r.item, set()).add(r.statement)
    in_play = {(r.item, r.statement) for r in held.rows}
    tp = fp = fn = 0
    kinds: Counter[str] = Counter()
    for item, (item_lang, wanted) in held.expected.items():
        if lang and item_lang != lang:
            continue
        have = got.get(item, set())
        tp, fp, fn = tp + len(wanted & have), fp + len(have - wanted), fn + len(wanted - have)
        kinds["false"] += len(have - wanted)
        for s in wanted - have:
            kinds["claim" if (item, s) in in_play else "case"] += 1
    return prf(tp, fp, fn), kinds


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(TUNE))
    parser.add_argument("--errors", action="store_true", help="print each held-out error")
    parser.add_argument("--features", default="", help="fit on these features only (an ablation); several "
                        "sets of features separated by ';' are each tried on the same rows")
    parser.add_argument("--cache", default="", help="a file keeping the linker's statement signals: read "
                        "when it exists (ablations, changes to statements.features or profile then skip the "
                        "linker), else written")
    parser.add_argument("--by-watchlist", action="store_true", help="leave out with each set every other set "
                        "written on the same watchlist file (as bench.cross_set --by-watchlist)")
    parser.add_argument("--grid", default="", help="the C grid, e.g. 0.01,0.03,0.1 (default: monitor.fit's)")
    args = parser.parse_args(argv)
    grid = tuple(float(c) for c in args.grid.split(",")) if args.grid else None
    names = [n for n in args.sets.split(",") if n]
    if set(names) - set(TUNE):
        parser.error(f"only TUNE sets: {', '.join(TUNE)}")
    cache = Path(args.cache) if args.cache else None
    if cache is not None and cache.exists():
        data = impute([with_rows(reprofiled(d)) for d in pickle.loads(cache.read_bytes()) if d.name in names])
    else:
        found = [LabelledSet.folder(PROJECT / "eval" / n) for n in names]
        found = [s for s in found if s.items.exists()]
        encoder, models = Encoder.load(), Models.load()
        data = impute([collect(d, encoder, models) for d in load_sets(found)])
        if cache is not None:
            cache.write_bytes(pickle.dumps(data))
    together = leave_together({d.name: PROJECT / "eval" / d.name / "watchlist.yaml" for d in data}, args.by_watchlist)
    for chosen in args.features.split(";"):
        report_features(data, tuple(chosen.split(",")) if chosen else stmts.FEATURES, args.errors, together,
                        grid)
    return 0


def report_features(data: list[SetData], features: tuple[str, ...], errors: bool, together: Mapping[str, bytes],
                    grid: tuple[float, ...] | None = None) -> None:
    """Leave each set out in turn, with the sets of the same key in `together` (`cross_set.leave_together`),
    fitting on `features`; print each held-out set and the mean."""
    print(f"-- features: {', '.join(features)}")
    means = []
    for held in data:
        train = [r for d in data if together[d.name] != together[held.name] for r in d.rows]
        combiner = fit_rows(to_rows(train, features), {"decision": "statements"}, grid)
        report, kinds = score(held, combiner)
        by_lang = "  ".join(f"{lang}={score(held, combiner, lang)[0]['f1']:.3f}"
                            for lang in sorted({v[0] for v in held.expected.values()}))
        means.append(report["f1"])
        print(f"{held.name:10s} F1={report['f1']:.3f} P={report['precision']:.3f} R={report['recall']:.3f} "
              f"{by_lang}  misses: case={kinds['case']} claim={kinds['claim']}  false={kinds['false']}  "
              f"thr={combiner.threshold:.3f} C={combiner.meta['C']}")
        if errors and held.name not in BLIND:  # the blind sets are never read
            print_errors(held, combiner)
    print(f"mean LOSO F1={np.mean(means):.3f}")
    everything = fit_rows(to_rows([r for d in data for r in d.rows], features), {"decision": "statements"}, grid)
    print(f"out-of-fold (items, all sets) F1={everything.meta['out_of_fold_f1']} rows={everything.meta['rows']}")
    print("weights:", dict(zip(everything.features, (round(w, 2) for w in everything.weights), strict=True)))


def print_errors(held: SetData, combiner: Combiner) -> None:
    in_play: dict[tuple[str, str], Row] = {(r.item, r.statement): r for r in held.rows}
    for item, (_, wanted) in held.expected.items():
        for (i, s), r in in_play.items():
            if i != item:
                continue
            p = combiner.probability({f: r.values[f] for f in combiner.features})
            if (p >= combiner.threshold) != r.label:
                print(f"    {item} {s}: {'false' if r.label is False else 'claim'} p={p:.2f} {_short(r.values)}")
        for s in wanted:
            if (item, s) not in in_play:
                print(f"    {item} {s}: case (not in play)")


def _short(values: dict[str, Any]) -> str:
    return " ".join(f"{k}={v:.2f}" for k, v in values.items())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
