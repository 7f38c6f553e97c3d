"""Match throughput: link ~N realistic items with `Linker.assess_many`; print items/s and peak RSS.

usage: python bench/bench_match.py [--items 2000] [--batch 500] [--model NAME] [--watchlist W]

With the dev watchlist most items match nothing (the common case: the lexical prefilter spares
them the model); `--watchlist shared/eval/ecbplus/watchlist.yaml` makes most items candidates.

Items are the dev and ECB+ eval texts (shared/eval), repeated with small perturbations (sentence
order, a varying number in the title, one word capitalized per sentence) so the embedding cache
does not make repeats free.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

from matchers.embeddings import Encoder
from matchers.linker import Linker
from matchers.text import sentences
from monitor.models import Item
from monitor.watchlist import load_watchlist

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def corpus() -> list[dict[str, str]]:
    rows = []
    for path in (SHARED / "dev.jsonl", SHARED / "ecbplus" / "items.jsonl"):
        with open(path, encoding="utf-8") as f:
            rows.extend(json.loads(line) for line in f if line.strip())
    return rows


def perturbed(rows: list[dict[str, str]], count: int, seed: int = 7) -> list[Item]:
    rng = random.Random(seed)
    items = []
    for n in range(count):
        row = rows[n % len(rows)]
        parts = sentences(row["text"])
        if n >= len(rows) and len(parts) > 2:
            head, tail = parts[:1], parts[1:]
            rng.shuffle(tail)
            parts = [_touch(p, rng) for p in head + tail]
        title = row["title"] if n < len(rows) else f"{row['title']} ({rng.randint(2, 99)})"
        items.append(Item("bench", f"{row['id']}-{n}", "", title, " ".join(parts), language=row.get("lang")))
    return items


def _touch(sentence: str, rng: random.Random) -> str:
    """The same sentence with one word upper-cased: a new cache key, the same meaning."""
    words = sentence.split()
    i = rng.randrange(len(words))
    return " ".join([*words[:i], words[i].upper(), *words[i + 1:]])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--model", default=None)
    parser.add_argument("--watchlist", type=Path, default=SHARED / "watchlist.yaml")
    args = parser.parse_args(argv)
    encoder = Encoder.load(args.model)
    linker = Linker(load_watchlist(args.watchlist), encoder)
    items = perturbed(corpus(), args.items)
    start = time.perf_counter()
    alerts = linked = 0
    for i in range(0, len(items), args.batch):
        for assessment in linker.assess_many(items[i:i + args.batch]):
            alerts += assessment.alert
            linked += assessment.linked
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(items)} items in {elapsed:.1f}s: {len(items) / elapsed:.1f} items/s; "
          f"{linked} linked, {alerts} alerts; peak RSS {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
