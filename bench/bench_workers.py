"""Several workers on one PostgreSQL: N `monitor poll --due` processes started together on one database,
reading a loopback feed farm (`bench.farm`), for a first cycle (every item new, linked) and a second,
unchanged one (every feed due again, every answer a 304). Prints figures; asserts nothing.

    .venv/bin/python -m bench.bench_workers --feeds 10000 --items 5 --hosts 200 --latency 0.1 --workers 1,2,4

Without --db it starts a throwaway PostgreSQL cluster (Debian's binaries, as the tests do: durability off,
so the figures leave out fsync). Where the time goes is measured, not guessed: the CPU seconds of the
workers (rusage of each process), of PostgreSQL (the postmaster's own and its reaped backends') and of the
farm, against the wall time on this machine's cores.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, select, update

from monitor.store import schema

ROOT = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Cycle:
    wall: float
    polled: int  # feeds polled, summed over the workers' reports
    items: int  # items stored in the cycle
    alerts: int
    worker_cpu: float
    postgres_cpu: float
    farm_cpu: float
    failed: int


def start_farm(args: argparse.Namespace) -> tuple[subprocess.Popen[str], list[str]]:
    farm = subprocess.Popen([sys.executable, "-m", "bench.farm", "--feeds", str(args.feeds), "--items",
                             str(args.items), "--hosts", str(args.hosts), "--latency", str(args.latency)],
                            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert farm.stdout is not None
    return farm, json.loads(farm.stdout.readline())["urls"]


def cpu_seconds(pid: int, *, children: bool = False) -> float:
    """utime + stime of a live process from /proc (with `children`: plus those of its reaped children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
    return ticks / TICKS


def counts(url: str) -> tuple[int, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        items = conn.execute(select(func.count()).select_from(schema.items)).scalar_one()
        alerts = conn.execute(select(func.count()).select_from(schema.alerts)).scalar_one()
    engine.dispose()
    return int(items), int(alerts)


def make_due(url: str) -> None:
    """The interval has passed: every feed due again (nothing else changes)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(update(schema.feeds).values(next_poll=None))
    engine.dispose()


def cycle(workers: int, url: str, feeds: Path, watchlist: Path, postmaster: int, farm: int, logs: Path) -> Cycle:
    env = {**os.environ, "MONITOR_DB": url, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SMTP_HOST"):
        env.pop(name, None)  # alerts go to the console (the workers' logs), no e-mail
    items_before, alerts_before = counts(url)
    pg0, farm0 = cpu_seconds(postmaster, children=True), cpu_seconds(farm)
    outputs = [logs / f"worker-{workers}-{n}-{time.monotonic_ns()}.log" for n in range(workers)]
    start = time.perf_counter()
    processes = []
    for out in outputs:
        with out.open("w") as handle:
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "monitor.cli", "poll", "--due", "--feeds", str(feeds), "--watchlist",
                 str(watchlist)], env=env, cwd=logs, stdout=handle, stderr=subprocess.STDOUT))
    worker_cpu = 0.0
    for process in processes:
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        worker_cpu += usage.ru_utime + usage.ru_stime
    wall = time.perf_counter() - start
    text = "".join(out.read_text() for out in outputs)
    if any(p.returncode != 0 for p in processes):
        raise SystemExit(f"a worker failed:\n{text[-3000:]}")
    polled = sum(int(n) for n in re.findall(r"feeds: (\d+) polled", text))
    failed = sum(int(n) for n in re.findall(r"polled, (\d+) failed", text))
    items, alerts = counts(url)
    return Cycle(wall, polled, items - items_before, alerts - alerts_before, worker_cpu,
                 cpu_seconds(postmaster, children=True) - pg0, cpu_seconds(farm) - farm0, failed)


def startup(url: str, feeds: Path, watchlist: Path, logs: Path) -> float:
    """`poll --due` with nothing due: the process cost a worker pays per cycle before any work."""
    env = {**os.environ, "MONITOR_DB": url, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "monitor.cli", "poll", "--due", "--feeds", str(feeds), "--watchlist",
                    str(watchlist)], env=env, cwd=logs, capture_output=True, check=True)
    return time.perf_counter() - start


def report(n: int, label: str, c: Cycle, base: Cycle | None) -> None:
    cores = os.cpu_count() or 1
    busy = (c.worker_cpu + c.postgres_cpu + c.farm_cpu) / (c.wall * cores)
    first = label.startswith("first")  # the first cycle's work is items; the unchanged one's, feeds
    rate, unit = (c.items / c.wall, "items/s") if first else (c.polled / c.wall, "feeds/s")
    scaling = f", x{rate / ((base.items if first else base.polled) / base.wall):.2f} vs 1 worker" if base else ""
    print(f"{n} worker(s), {label}: {c.wall:.1f} s, {c.polled} feeds polled ({c.failed} failed), {c.items} items "
          f"stored, {c.alerts} alerts -> {rate:.0f} {unit}{scaling}")
    print(f"    CPU: workers {c.worker_cpu:.0f} s, PostgreSQL {c.postgres_cpu:.0f} s, farm {c.farm_cpu:.0f} s "
          f"= {100 * busy:.0f}% of {cores} cores for {c.wall:.0f} s; load average now {os.getloadavg()[0]:.1f} "
          f"(other work on the machine)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=10000)
    parser.add_argument("--items", type=int, default=5)
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--workers", default="1,2,4", help="comma-separated worker counts")
    parser.add_argument("--first-with", type=int, default=0, metavar="N",
                        help="one first cycle with N workers, then the unchanged cycle with each worker count on "
                             "that database (when the machine has no time for a first cycle per count)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.servers.postgres import PostgresServer  # the tests' throwaway cluster

    farm, urls = start_farm(args)
    server = PostgresServer()
    try:
        server.start()
        server.migrate_template()
        postmaster = int((server.root / "data" / "postmaster.pid").read_text().split()[0])
        run(args, urls, server, postmaster, farm.pid)
    finally:
        server.stop()
        farm.communicate("")


def run(args: argparse.Namespace, urls: list[str], server: object, postmaster: int, farm: int) -> None:
    watchlist = ROOT / "watchlist.yaml"
    print(f"farm: {len(urls)} feeds x {args.items} items on {args.hosts} hosts, {args.latency * 1000:.0f} ms "
          f"latency; {os.cpu_count()} cores; claim batch {os.environ.get('MONITOR_CLAIM_BATCH', 500)}", flush=True)
    firsts: dict[int, Cycle] = {}
    seconds: dict[int, Cycle] = {}
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(tmp)
        feeds = logs / "feeds.yaml"
        feeds.write_text("feeds:\n" + "".join(f"  - name: farm-{i}\n    url: {u}\n" for i, u in enumerate(urls)))
        if args.first_with:
            unchanged_only(args, server, feeds, watchlist, postmaster, farm, logs)
            return
        for n in (int(w) for w in args.workers.split(",")):
            url = server.new_database()  # type: ignore[attr-defined]
            firsts[n] = cycle(n, url, feeds, watchlist, postmaster, farm, logs)
            report(n, "first cycle (all new, linked)", firsts[n], firsts.get(1) if n != 1 else None)
            make_due(url)
            seconds[n] = cycle(n, url, feeds, watchlist, postmaster, farm, logs)
            report(n, "second cycle (unchanged, all 304)", seconds[n], seconds.get(1) if n != 1 else None)
            print(f"    start-up of one `poll --due` with nothing due: {startup(url, feeds, watchlist, logs):.2f} s",
                  flush=True)


def unchanged_only(args: argparse.Namespace, server: object, feeds: Path, watchlist: Path, postmaster: int,
                   farm: int, logs: Path) -> None:
    url = server.new_database()  # type: ignore[attr-defined]
    first = cycle(args.first_with, url, feeds, watchlist, postmaster, farm, logs)
    report(args.first_with, "first cycle (all new, linked)", first, None)
    seconds: dict[int, Cycle] = {}
    for n in (int(w) for w in args.workers.split(",")):
        make_due(url)
        seconds[n] = cycle(n, url, feeds, watchlist, postmaster, farm, logs)
        report(n, "second cycle (unchanged, all 304)", seconds[n], seconds.get(1) if n != 1 else None)


if __name__ == "__main__":
    main()
