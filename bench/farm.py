"""A loopback feed farm for the benchmarks: N feeds x M items spread over several 127.0.0.x hosts,
each answering after `latency` seconds, with ETag support (an unchanged feed answers 304).

Run as a separate process (`python -m bench.farm ...`) so its memory is not counted as the poller's.
It prints one line of JSON with every feed URL, then serves until stdin closes.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from contextlib import ExitStack
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

from monitor.loopback import StaticServer

ECBPLUS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "ecbplus" / "items.jsonl"
SEED_TEXTS = [
    "Soldiers of the 102nd Infantry Battalion shot people who had surrendered in a warehouse in Tlatlaya.",
    "Federal police opened fire on an unarmed family in Apatzingán, witnesses said.",
    "Militares con sede en Iguala siguieron la agresión contra los normalistas y no intervinieron.",
    "The navy evacuated tourists from Los Cabos after the hurricane.",
]


def sentences() -> list[str]:
    """Real news sentences (ECB+) to build distinct items from; a few seed-case sentences mixed in."""
    pool: list[str] = []
    if ECBPLUS.exists():
        for line in ECBPLUS.read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            pool.extend(s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if 40 < len(s) < 400)
    return pool or [f"Report number {i} on events in the region." for i in range(2000)]


def rss(feed: int, items: int, pool: list[str], rng: random.Random) -> bytes:
    entries = []
    for i in range(items):
        body = " ".join(rng.sample(pool, 3))
        if rng.random() < 0.05:
            body = rng.choice(SEED_TEXTS) + " " + body
        title = " ".join(body.split()[:10])
        entries.append(
            f"<item><title>{escape(title)}</title><link>https://news-{feed}.example.org/{feed}/{i}</link>"
            f"<guid>farm-{feed}-{i}</guid><pubDate>{format_datetime(_date(rng))}</pubDate>"
            f"<description>{escape(body)}</description></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Farm {feed}</title>'
            f"<link>https://news-{feed}.example.org/</link>{''.join(entries)}</channel></rss>").encode()


def _date(rng: random.Random):  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.datetime(2026, 11, 23, tzinfo=dt.UTC) - dt.timedelta(minutes=rng.randrange(1440))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=5)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng, pool = random.Random(args.seed), sentences()
    per_host: list[dict[str, bytes]] = [{} for _ in range(args.hosts)]
    for feed in range(args.feeds):
        per_host[feed % args.hosts][f"/feed-{feed}.xml"] = rss(feed, args.items, pool, rng)
    with ExitStack() as stack:
        servers = [stack.enter_context(StaticServer(pages, latency=args.latency, host=f"127.0.0.{2 + h}"))
                   for h, pages in enumerate(per_host)]
        urls = [s.url + path for s, pages in zip(servers, per_host, strict=True) for path in pages]
        print(json.dumps({"urls": urls}), flush=True)
        sys.stdin.read()  # serve until the benchmark closes our stdin


if __name__ == "__main__":
    main()
