"""Poll benchmark: a loopback feed farm read by the real pipeline, and by a sequential httpx + feedparser
loop, side by side. Prints figures; asserts nothing (targets are judged by reading them).

The unchanged cycle is timed twice: in this process (`Pipeline.poll`), and as a whole `monitor poll
--once` process on the same database (start-up, configuration and the cycle), as a user runs it.

    .venv/bin/python -m bench.bench_poll --feeds 1000 --items 5 --latency 0.1
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import feedparser
import httpx

from monitor.app import linker_factory
from monitor.config.feeds import Feed
from monitor.config.watchlist import load_watchlist
from monitor.pipeline import Pipeline
from monitor.store.database import Store
from notifiers.console import ConsoleNotifier

ROOT = Path(__file__).resolve().parents[1]


def start_farm(feeds: int, items: int, latency: float) -> tuple[subprocess.Popen[str], list[str]]:
    farm = subprocess.Popen([sys.executable, "-m", "bench.farm", "--feeds", str(feeds), "--items", str(items),
                             "--latency", str(latency)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    assert farm.stdout is not None
    return farm, json.loads(farm.stdout.readline())["urls"]


def sequential(urls: list[str]) -> tuple[float, int]:
    """What a one-feed-at-a-time reader (rss2email style) does: GET, parse, next."""
    start, entries = time.perf_counter(), 0
    with httpx.Client(timeout=30) as client:
        for url in urls:
            response = client.get(url)
            entries += len(feedparser.parse(response.content, response_headers=dict(response.headers)).entries)
    return time.perf_counter() - start, entries


def whole_process(*args: str, runs: int = 3) -> float:
    """The median wall time of `monitor ARGS` as a new process (this interpreter, this checkout)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "monitor.cli", *args], capture_output=True, check=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def write_feeds(path: Path, feeds: list[Feed]) -> Path:
    lines = [f"  - {{name: {f.name}, url: \"{f.url}\"}}" for f in feeds]
    path.write_text("feeds:\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--items", type=int, default=5)
    parser.add_argument("--latency", type=float, default=0.1)
    args = parser.parse_args()
    farm, urls = start_farm(args.feeds, args.items, args.latency)
    try:
        run(urls, args)
    finally:
        farm.communicate("")


def run(urls: list[str], args: argparse.Namespace) -> None:
    feeds = [Feed(name=f"farm-{i}", url=url) for i, url in enumerate(urls)]
    watchlist = load_watchlist(ROOT / "watchlist.yaml")
    linker = linker_factory(watchlist, None)
    t0 = time.perf_counter()
    linker()
    load_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/bench.db")
        pipeline = Pipeline(store=store, watchlist=watchlist, linker=linker, notifier=ConsoleNotifier(io.StringIO()))
        t1 = time.perf_counter()
        first = pipeline.poll(feeds)
        first_s = time.perf_counter() - t1
        t2 = time.perf_counter()
        second = pipeline.poll(feeds)
        second_s = time.perf_counter() - t2
        store.close()
        feeds_file = write_feeds(Path(tmp) / "feeds.yaml", feeds)
        process_s = whole_process("poll", "--once", "--feeds", str(feeds_file), "--db", f"sqlite:///{tmp}/bench.db",
                                  "--watchlist", str(ROOT / "watchlist.yaml"))
        listing_s = whole_process("feeds", "list", "--feeds", str(feeds_file), "--db", f"sqlite:///{tmp}/bench.db")
    seq_s, seq_entries = sequential(urls)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    not_modified = sum(o.not_modified for o in second.feeds)
    print(f"farm: {len(urls)} feeds x {args.items} items, {args.latency * 1000:.0f} ms latency")
    print(f"model load (once): {load_s:.1f} s")
    print(f"cycle 1: {first_s:.1f} s, {first.stored} items stored, {first.linked} linked, {first.alerts} alerts, "
          f"{len(first.failed_feeds)} feeds failed -> {first.stored / first_s:.0f} items/s end to end")
    print(f"cycle 2 (unchanged): {second_s:.2f} s, {second.stored} stored, "
          f"{not_modified}/{len(second.feeds)} = {100 * not_modified / max(1, len(second.feeds)):.1f}% 304s")
    print(f"sequential httpx+feedparser loop: {seq_s:.1f} s for {seq_entries} entries")
    print(f"unchanged cycle as a whole `monitor poll --once` process: {process_s:.2f} s (median of 3)")
    print(f"ratio sequential / cycle 1: {seq_s / first_s:.1f}x; sequential / cycle 2: {seq_s / second_s:.1f}x; "
          f"sequential / whole-process cycle 2: {seq_s / process_s:.1f}x")
    print(f"peak RSS: {rss_mb:.0f} MB")
    print(f"start-up: `monitor feeds list` with these {len(feeds)} feeds {listing_s:.2f} s, "
          f"`monitor --help` {whole_process('--help'):.2f} s")


if __name__ == "__main__":
    main()
