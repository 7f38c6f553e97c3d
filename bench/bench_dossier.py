"""Dossier render time: a store with N items linked to one military zone's battalion, then its dossier.

usage: python -m bench.bench_dossier [--items 5000] [--noise 5000] [--runs 5]

The store is filled the way the pipeline fills it (`Store.batch`, one decision and its links per
item): `--items` items implicate or touch the 102nd battalion (so they roll up into the 22nd zone's
dossier), a tenth of them syndicated copies, three evidence passages each with a report page, a
case and a talking point on most; `--noise` more items are linked to another chain of command. It
prints the time to build a page of the dossier (the summary over every item, one page of entries
with their evidence), the whole dossier as HTML, JSON and CSV, and the console's /units page (first
page, a far page, the whole print copy) through an in-process HTTP client; the best of `--runs`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from starlette.testclient import TestClient

from monitor.config.watchlist import load_watchlist
from monitor.domain.assessment import Allegation, Assessment, Evidence, Link
from monitor.domain.item import Item, Page
from monitor.dossier.build import PER_PAGE, build_dossier
from monitor.dossier.render import render_csv, render_html, render_json
from monitor.store.database import Store
from monitor.web.app import create_app
from monitor.web.context import Console

WATCHLIST = Path(__file__).resolve().parents[1] / "watchlist.yaml"
NOW = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
CASES = ("tlatlaya-2014", "ayotzinapa-2014", "apatzingan-2015")


def assessment(n: int, unit: str) -> Assessment:
    passages = tuple(Evidence("alias" if k == 0 else "lexical", f"Passage {k} of item {n}: soldiers of the "
                              f"battalion were seen at the site on the night of the events.", "102nd", 0.8, k + 1)
                     for k in range(3))
    implicated = n % 3 == 0
    return Assessment(
        cases=(Link("case", CASES[n % 3], 0.7, passages[:1]),) if n % 4 else (),
        units=(Link("unit", unit, 0.9, passages, via="named", implicated=implicated),),
        statements=(Link("statement", "tp-tlatlaya-firefight", 0.6, stance="undercuts"),) if n % 5 == 0 else (),
        allegation=Allegation(("killing", "torture")[: 1 + n % 2]) if implicated else None,
        implicated=(unit,) if implicated else (), at_risk=("sedena-22-zm", unit) if implicated else (),
        alert=implicated)


def fill(store: Store, items: int, noise: int) -> None:
    with store.batch() as batch:
        first = None
        for n in range(items + noise):
            unit = "sedena-102-bi" if n < items else "sedena-27-bi"
            copy = n < items and n % 10 == 9 and first is not None
            item = Item(feed=f"feed-{n % 50}", guid=f"g{n}", url=f"https://news.example/{n}",
                        title=f"Report {n} on the battalion", summary="summary " * 30,
                        published=NOW - dt.timedelta(days=n % 3000), source=f"Outlet {n % 50}",
                        pages=(Page("page text " * 100, 1), Page("more text " * 100, 2)))
            item_id = batch.save_item(item, assessment(n, unit), fetched_at=NOW, story_id=first if copy else None)
            if n % 10 == 0:
                first = item_id


def best(runs: int, work: Callable[[], object]) -> float:
    """The best wall time of `runs`, in ms."""
    return timed(runs, work)[0]


def timed(runs: int, work: Callable[[], object]) -> tuple[float, float, float]:
    """(best wall, median wall, best CPU) in ms. On a shared machine the wall time waits for the
    other processes; the CPU time is what the work itself costs."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls) * 1000, statistics.median(walls) * 1000, min(cpus) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--noise", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    watchlist = load_watchlist(WATCHLIST)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        start = time.perf_counter()
        fill(store, args.items, args.noise)
        print(f"filled {args.items} items on the 102nd battalion (+{args.noise} elsewhere) in "
              f"{time.perf_counter() - start:.1f} s")
        client = TestClient(create_app(Console(store, watchlist, None, lambda: NOW)))  # creates the index, FTS
        dossier = build_dossier(store, watchlist, "sedena-22-zm", now=NOW)
        print(f"dossier of sedena-22-zm: {dossier.summary.items} stories in {len(dossier.groups)} groups")
        full = lambda: render_html(build_dossier(store, watchlist, "sedena-22-zm", now=NOW))  # noqa: E731
        first_page = lambda: build_dossier(store, watchlist, "sedena-22-zm", now=NOW, page=1)  # noqa: E731
        wall, median, cpu = timed(args.runs, first_page)
        print(f"build page 1 (summary over all, {PER_PAGE} entries with evidence): best {wall:.0f} ms, "
              f"median {median:.0f} ms, CPU {cpu:.0f} ms")
        json_ms, csv_ms = best(args.runs, lambda: render_json(dossier)), best(args.runs, lambda: render_csv(dossier))
        print(f"whole dossier (`monitor dossier`, every entry) build + HTML: {best(args.runs, full):.0f} ms "
              f"({len(render_html(dossier)) / 1e6:.1f} MB); JSON render {json_ms:.0f} ms; CSV render {csv_ms:.0f} ms")
        for path in ("/units/sedena-22-zm", "/units/sedena-22-zm?page=40", "/units/sedena-22-zm?format=print"):
            wall, median, cpu = timed(args.runs, lambda p=path: client.get(p).raise_for_status())  # type: ignore[misc]
            print(f"GET {path}: best {wall:.0f} ms, median {median:.0f} ms, CPU {cpu:.0f} ms")
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (target: a page in <= 300 ms)")
        store.close()


if __name__ == "__main__":
    main()
