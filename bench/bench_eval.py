"""`monitor eval` throughput: the first pass over a labelled set, model load excluded.

usage: python -m bench.bench_eval [--runs 5] [--threads N] [--precision auto|bf16|fp32] [--watchlist W] [--items I]

The model is loaded once (its time is printed apart). Each run then does what `monitor eval` does after
the load, from nothing: a fresh encoder cache (no text embedded yet), a fresh Linker and its warm-up (the
watchlist's texts and the allegation prototypes embedded in one pass, as `monitor run` does before its first
poll), then every item linked in one `assess_many` call. Printed, as medians over the runs: the linking of
the items (items/s: the figure of issue 9), the encoder's share of it and its CPU time; the Linker build
with its warm-up, from nothing and with the fixed vectors already in a cache folder (MONITOR_CACHE_DIR, as
a second start with the same watchlist and model finds them); both together; the texts that reached the
model per encode call. On a machine other work
keeps busy, torch's threads wait for each other and the wall time says little: the CPU time, or
`--threads 1`, is steadier. Scores are not printed (the dev set's per-item errors stay unread).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from matchers.embeddings import Encoder
from matchers.linker import Linker
from monitor.config.watchlist import load_watchlist
from monitor.evaluate import SHARED, read_jsonl, to_item


@dataclass
class Timed:
    """An encoder that counts the time, calls and new texts that reach the wrapped one."""

    inner: Encoder
    seconds: float = 0.0
    calls: list[int] = field(default_factory=list)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        start = time.perf_counter()
        fresh = self.inner.uncached(texts)
        rows = self.inner.encode(texts)
        if fresh:
            self.calls.append(fresh)
        self.seconds += time.perf_counter() - start
        return rows


@dataclass(frozen=True)
class Run:
    build: float  # Linker build and warm-up
    stored: float  # the same with the fixed vectors on disk
    link: float
    cpu: float  # CPU time of the linking
    encode_build: float
    encode_link: float
    calls: tuple[int, ...]  # new texts per encode call, build then linking


def one_run(model: Encoder, watchlist: Path, rows: list[dict[str, str]], folder: Path) -> Run:
    start = time.perf_counter()
    Linker(load_watchlist(watchlist), model.fresh(folder)).warm_up()
    stored = time.perf_counter() - start
    encoder = Timed(model.fresh())
    start = time.perf_counter()
    linker = Linker(load_watchlist(watchlist), encoder)
    linker.warm_up()  # as monitor.evaluate.predict_rows does
    built, cpu, encoded = time.perf_counter(), time.process_time(), encoder.seconds
    linker.assess_many([to_item(r) for r in rows])
    done = time.perf_counter()
    return Run(built - start, stored, done - built, time.process_time() - cpu, encoded, encoder.seconds - encoded,
               tuple(encoder.calls))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's, one a core)")
    parser.add_argument("--precision", choices=["auto", "bf16", "fp32"], default="auto")
    parser.add_argument("--watchlist", type=Path, default=SHARED / "watchlist.yaml")
    parser.add_argument("--items", type=Path, default=SHARED / "dev.jsonl")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    model = Encoder.load(precision=args.precision)  # first: it sets what torch reads at its import
    loaded = time.perf_counter() - start
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    rows = read_jsonl(args.items)
    with tempfile.TemporaryDirectory() as folder:
        Linker(load_watchlist(args.watchlist), model.fresh(Path(folder))).warm_up()  # a first start writes them
        runs = [one_run(model, args.watchlist, rows, Path(folder)) for _ in range(args.runs)]
    n, median = len(rows), statistics.median
    link, build = median(r.link for r in runs), median(r.build for r in runs)
    print(f"{n} items, {args.runs} runs; model load {loaded:.2f}s (once, excluded); encoder: {model.describe()}")
    each = ", ".join(f"{n / r.link:.0f}" for r in runs)
    print(f"linking {link:.3f}s: {n / link:.1f} items/s first pass (runs {each}); "
          f"encode {median(r.encode_link for r in runs) / link:.0%} of it; CPU {median(r.cpu for r in runs):.3f}s")
    print(f"Linker build + warm-up {build:.3f}s (encode {median(r.encode_build for r in runs):.3f}s); "
          f"build + warm-up + linking: {n / (build + link):.1f} items/s")
    stored = median(r.stored for r in runs)
    print(f"the same with the fixed vectors in the cache folder: build + warm-up {stored:.3f}s; "
          f"build + warm-up + linking: {n / (stored + link):.1f} items/s")
    print(f"texts reaching the model per encode call: {', '.join(map(str, runs[-1].calls))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
