"""Match throughput: link N items with `Linker.assess_many`; print items/s, embedded share and peak RSS.

usage: python bench/bench_match.py [--items 5000] [--batch 500] [--on-topic 0.05] [--model NAME] [--watchlist W]

The mix is what a poller hands the linker in one cycle: mostly news that matches nothing (the ECB+ texts
of shared/eval, about sports, elections, earthquakes... none of them on the dev watchlist) and a few
on-topic items (the dev texts: Tlatlaya, Ayotzinapa, Apatzingán, units, denials), `--on-topic` of them.
`--watchlist shared/eval/ecbplus/watchlist.yaml` makes most items candidates instead.

Items are repeated with small perturbations (sentence order, a varying number in the title, one word
capitalized per sentence) so the embedding cache does not make repeats free. The time covers the whole
`assess_many` call (cheap signals, embedding, decision), i.e. end to end for the linker.
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
from matchers.passages import sentences
from monitor.config.watchlist import load_watchlist
from monitor.domain.item import Item

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "eval"


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def corpus(count: int = 405, on_topic: float = 0.05, seed: int = 7) -> list[dict[str, str]]:
    """`count` rows, about `on_topic` of them dev items, the rest unrelated news, shuffled."""
    dev, news = read(SHARED / "dev.jsonl"), read(SHARED / "ecbplus" / "items.jsonl")
    wanted = round(count * on_topic)
    rows = [dev[n % len(dev)] for n in range(wanted)] + [news[n % len(news)] for n in range(count - wanted)]
    random.Random(seed).shuffle(rows)
    return rows


def perturbed(rows: list[dict[str, str]], count: int, seed: int = 7) -> list[Item]:
    rng = random.Random(seed)
    items = []
    seen: set[str] = set()
    for n in range(count):
        row = rows[n % len(rows)]
        first = row["id"] not in seen
        seen.add(row["id"])
        parts = sentences(row["text"])
        if not first and len(parts) > 2:
            head, tail = parts[:1], parts[1:]
            rng.shuffle(tail)
            parts = [_touch(p, rng) for p in head + tail]
        title = row["title"] if first else f"{row['title']} ({rng.randint(2, 99)})"
        items.append(Item("bench", f"{row['id']}-{n}", "", title, " ".join(parts), language=row.get("lang")))
    return items


def _touch(sentence: str, rng: random.Random) -> str:
    """The same sentence with one word upper-cased: a new cache key, the same meaning."""
    words = sentence.split()
    i = rng.randrange(len(words))
    return " ".join([*words[:i], words[i].upper(), *words[i + 1:]])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--on-topic", type=float, default=0.05)
    parser.add_argument("--model", default=None)
    parser.add_argument("--watchlist", type=Path, default=SHARED / "watchlist.yaml")
    args = parser.parse_args(argv)
    encoder = Encoder.load(args.model)
    linker = Linker(load_watchlist(args.watchlist), encoder)
    items = perturbed(corpus(on_topic=args.on_topic), args.items)
    linker.warm_up()  # embeds the watchlist texts once, as a running poller already has
    start = time.perf_counter()
    alerts = linked = 0
    for i in range(0, len(items), args.batch):
        for assessment in linker.assess_many(items[i:i + args.batch]):
            alerts += assessment.alert
            linked += assessment.linked
    elapsed = time.perf_counter() - start
    embedded = sum(bool(linker._prepare(item).embed) for item in items[:500])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(items)} items ({args.on_topic:.0%} on topic) in {elapsed:.1f}s: {len(items) / elapsed:.1f} items/s; "
          f"{linked} linked, {alerts} alerts; {embedded / min(500, len(items)):.0%} embedded; "
          f"peak RSS {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
