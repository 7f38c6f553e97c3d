"""`monitor eval` throughput: the first pass over a labelled set, model load excluded.

usage: python -m bench.bench_eval [--runs 5] [--threads N] [--precision auto|bf16|fp32] [--watchlist W] [--items I]

The model is loaded once (its time is printed apart). Each run then does what `monitor eval` does after
the load, from nothing: a fresh encoder cache (no text embedded yet) and a fresh Linker, then every item
linked in one `assess_many` call. Printed, as medians over the runs: the Linker build, the linking of the
items (items/s: the figure of issue 9), the share of the linking spent in the encoder, and the texts and
encode calls that reached the model, and the CPU time of the linking (on a machine other work keeps
busy, torch's threads wait for each other and the wall time says little; `--threads 1` then gives a
steadier figure). Scores are not printed (the dev set's per-item errors stay unread).
"""

from __future__ import annotations

import argparse
import statistics
import sys
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
    build: float
    link: float
    cpu: float
    encode: float
    calls: tuple[int, ...]


def one_run(model: Encoder, watchlist: Path, rows: list[dict[str, str]]) -> Run:
    encoder = Timed(model.fresh())
    start = time.perf_counter()
    linker = Linker(load_watchlist(watchlist), encoder)
    built, cpu = time.perf_counter(), time.process_time()
    linker.assess_many([to_item(r) for r in rows])
    done = time.perf_counter()
    return Run(built - start, done - built, time.process_time() - cpu, encoder.seconds, tuple(encoder.calls))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's, one a core)")
    parser.add_argument("--precision", choices=["auto", "bf16", "fp32"], default="auto")
    parser.add_argument("--watchlist", type=Path, default=SHARED / "watchlist.yaml")
    parser.add_argument("--items", type=Path, default=SHARED / "dev.jsonl")
    args = parser.parse_args(argv)
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    start = time.perf_counter()
    model = Encoder.load(precision=args.precision)
    loaded = time.perf_counter() - start
    rows = read_jsonl(args.items)
    runs = [one_run(model, args.watchlist, rows) for _ in range(args.runs)]
    link = statistics.median(r.link for r in runs)
    build = statistics.median(r.build for r in runs)
    encode = statistics.median(r.encode for r in runs)
    cpu = statistics.median(r.cpu for r in runs)
    calls = runs[-1].calls
    print(f"{len(rows)} items, {args.runs} runs; model load {loaded:.2f}s (once, excluded); "
          f"encoder: {model.describe()}")
    print(f"Linker build {build:.3f}s; linking {link:.3f}s: {len(rows) / link:.1f} items/s first pass "
          f"(runs {', '.join(f'{len(rows) / r.link:.0f}' for r in runs)}); build + linking "
          f"{len(rows) / (build + link):.1f} items/s; linking CPU {cpu:.3f}s")
    print(f"encode {encode:.3f}s over build + linking ({encode / (build + link):.0%}); "
          f"{sum(calls)} texts in {len(calls)} calls: {', '.join(map(str, calls))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
