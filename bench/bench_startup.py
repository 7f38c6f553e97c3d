"""Start-up benchmark: whole `monitor` processes that have (almost) nothing to do, timed end to end
(interpreter, imports, configuration, database check, exit). Prints the median of repeated runs,
wall time and the CPU time the process used (user + system: what a busy machine inflates least);
asserts nothing.

    .venv/bin/python -m bench.bench_startup --runs 9
    .venv/bin/python -m bench.bench_startup --against /path/to/other/checkout   # both, interleaved

- `poll --once`, nothing to poll: a feeds file with no enabled feed, a database already at head;
- `poll --due`, 1,000 feeds none of which is due (each polled a minute ago);
- `feeds list` of those 1,000 feeds with their health;
- `--help`: the interpreter and the command-line parser alone.

With `--against`, each command runs alternately from this checkout and the other one, so a busy
machine slows both alike; `python -X importtime -m monitor.cli ...` says where a figure goes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from monitor.domain.item import FeedState
from monitor.store.database import Store

ROOT = Path(__file__).resolve().parents[1]
FEEDS = 1000


def prepare(tmp: Path) -> dict[str, list[str]]:
    """The files the commands read, and each command's arguments."""
    db = f"sqlite:///{tmp / 'monitor.db'}"
    none = tmp / "none-enabled.yaml"
    none.write_text("feeds:\n  - {name: off, url: 'http://127.0.0.1:9/feed.xml', enabled: false}\n", encoding="utf-8")
    many = tmp / "feeds.yaml"
    many.write_text("feeds:\n" + "".join(f"  - {{name: feed-{i}, url: 'http://127.0.0.{2 + i % 50}:9/feed-{i}.xml'}}\n"
                                        for i in range(FEEDS)), encoding="utf-8")
    now = dt.datetime.now(dt.UTC)
    store = Store(db)  # created at head, as every later start finds it
    store.save_feed_states(FeedState(name=f"feed-{i}", etag=f'"{i}"', last_success=now - dt.timedelta(minutes=1),
                                     last_attempt=now - dt.timedelta(minutes=1), next_poll=now + dt.timedelta(hours=1))
                           for i in range(FEEDS))
    store.close()
    watchlist = ["--watchlist", str(ROOT / "watchlist.yaml")]
    return {
        "poll --once, nothing to poll": ["poll", "--once", "--feeds", str(none), "--db", db, *watchlist],
        f"poll --due, {FEEDS} feeds none due": ["poll", "--due", "--feeds", str(many), "--db", db, *watchlist],
        f"feeds list, {FEEDS} feeds": ["feeds", "list", "--feeds", str(many), "--db", db],
        "--help": ["--help"],
    }


def once(checkout: Path, args: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, cpu) seconds of one run."""
    env = {**os.environ, "PYTHONPATH": str(checkout), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    for name in ("SLACK_BOT_TOKEN", "SLACK_CHANNEL", "MONITOR_DB", "MONITOR_FEEDS"):
        env.pop(name, None)  # the console notifier and the files given, whatever this shell has set
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run([sys.executable, "-m", "monitor.cli", *args], env=env, cwd=cwd, check=True, capture_output=True)
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--against", type=Path, default=None, help="another checkout, timed alternately")
    args = parser.parse_args()
    checkouts = [ROOT, *([args.against.resolve()] if args.against else [])]
    with tempfile.TemporaryDirectory() as tmp:
        commands = prepare(Path(tmp))
        for checkout in checkouts:  # once unmeasured: compiled bytecode and the OS file cache in place
            for command in commands.values():
                once(checkout, command, Path(tmp))
        print(f"whole process, median of {args.runs} runs: wall s (min-max) / cpu s   [load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores]")
        for label, command in commands.items():
            times: dict[Path, list[tuple[float, float]]] = {c: [] for c in checkouts}
            for _ in range(args.runs):
                for checkout in checkouts:
                    times[checkout].append(once(checkout, command, Path(tmp)))
            print(f"  {label:<34} " + "   ".join(f"{c.name}: {_figures(t)}" for c, t in times.items()))


def _figures(runs: list[tuple[float, float]]) -> str:
    wall, cpu = [w for w, _ in runs], [c for _, c in runs]
    return f"{statistics.median(wall):.2f} ({min(wall):.2f}-{max(wall):.2f}) / {statistics.median(cpu):.2f}"


if __name__ == "__main__":
    main()
