"""On SQLite, one `monitor run` per database file: a second one refuses to start with one line naming the
file (exit 2); the lock goes with the process that held it, even when it was SIGKILLed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.demo import WATCHLIST
from monitor.store.runlock import sqlite_file


def run(tmp_path: Path, db: Path) -> subprocess.Popen[str]:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds: []\n", encoding="utf-8")
    env = {**os.environ, "MONITOR_DIGEST_DIR": str(tmp_path / "digests")}
    env.pop("SLACK_APP_TOKEN", None)
    return subprocess.Popen([sys.executable, "-m", "monitor.cli", "run", "--feeds", str(feeds), "--watchlist",
                             str(WATCHLIST), "--db", f"sqlite:///{db}"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def started(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    line = process.stdout.readline()  # printed once the scheduler runs, the lock held
    assert "polling 0 feeds" in line, line + process.communicate(timeout=60)[1]
    return line


@pytest.mark.sqlite_only(reason="the lock is on a SQLite file; PostgreSQL takes any number of workers")
def test_a_second_run_on_one_sqlite_file_refuses_and_a_killed_run_leaves_no_lock(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    first = run(tmp_path, db)
    try:
        started(first)
        second = run(tmp_path, db)
        out, err = second.communicate(timeout=120)
        assert second.returncode == 2, out + err
        assert err.splitlines() == [f"error: {db}: another `monitor run` is using this SQLite database; stop it "
                                    "first, or use PostgreSQL (MONITOR_DB) to run several workers"]
        assert out == ""
    finally:
        first.kill()  # SIGKILL: no cleanup; the kernel drops the lock with the process
        first.communicate(timeout=30)
    third = run(tmp_path, db)
    try:
        started(third)
    finally:
        third.terminate()
        third.communicate(timeout=60)
    assert third.returncode == 0


def test_only_a_sqlite_file_is_locked() -> None:
    assert sqlite_file("sqlite:///m.db") == Path("m.db").resolve()
    assert sqlite_file("sqlite:////var/lib/monitor/m.db?timeout=5") == Path("/var/lib/monitor/m.db")
    assert sqlite_file("sqlite://") is None and sqlite_file("sqlite:///:memory:") is None
    assert sqlite_file("postgresql+psycopg://monitor@db/monitor") is None
