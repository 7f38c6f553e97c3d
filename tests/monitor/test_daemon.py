"""`monitor run`: the schedule as values (no sleeping), and a clean stop on SIGTERM / SIGINT."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from matchers.embeddings import Encoder
from matchers.linker import Linker
from monitor.app import App
from monitor.config.feeds import Feed
from monitor.config.settings import Settings
from monitor.daemon import TICK, poll_tick, schedule_jobs, warm_linker
from monitor.demo import WATCHLIST, sample_pages
from monitor.domain.item import FeedState
from monitor.loopback import Loopback
from monitor.pipeline import Pipeline
from notifiers.console import ConsoleNotifier


def _app(db_url: str, digest_time: dt.time) -> App:
    settings = Settings(db=db_url, watchlist_path=WATCHLIST, tz="America/Mexico_City",
                        digest_time=digest_time)
    return App.open(settings)


def test_jobs_poll_every_tick_and_digest_daily_at_local_time(db_url: str) -> None:
    zone = "America/Mexico_City"
    now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)  # 06:00 in Mexico City, before the digest time
    scheduler = BackgroundScheduler(timezone=zone)
    schedule_jobs(scheduler, _app(db_url, dt.time(7, 30)), poll=lambda: None, digest=lambda: None, now=now)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"poll", "digest"}  # no catch-up before the digest time
    poll_next = jobs["poll"].trigger.get_next_fire_time(now, now)  # the tick after one at `now`
    assert poll_next - now == TICK
    digest_next = jobs["digest"].trigger.get_next_fire_time(None, now)
    assert digest_next.astimezone(dt.UTC) == dt.datetime(2026, 11, 23, 13, 30, tzinfo=dt.UTC)


def test_start_after_digest_time_catches_up(db_url: str) -> None:
    now = dt.datetime(2026, 11, 23, 20, 0, tzinfo=dt.UTC)  # 14:00 local, after 07:30
    scheduler = BackgroundScheduler(timezone="America/Mexico_City")
    schedule_jobs(scheduler, _app(db_url, dt.time(7, 30)), poll=lambda: None, digest=lambda: None, now=now)
    assert "digest-catch-up" in {job.id for job in scheduler.get_jobs()}


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_run_stops_cleanly_on_signal(tmp_path: Path, db_url: str, signum: int) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds: []\n", encoding="utf-8")
    env = {**os.environ, "MONITOR_DIGEST_DIR": str(tmp_path / "digests")}
    env.pop("SLACK_APP_TOKEN", None)
    process = subprocess.Popen([sys.executable, "-m", "monitor.cli", "run", "--feeds", str(feeds), "--watchlist",
                                str(WATCHLIST), "--db", db_url], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    try:
        first = process.stdout.readline()  # printed once the jobs are scheduled
        assert "polling 0 feeds" in first, first + process.stdout.read()
        second = process.stdout.readline()  # read here: communicate() below skips what readline buffered
        assert second.startswith("monitor: reviews from Slack are off: no SLACK_APP_TOKEN"), second
        process.send_signal(signum)
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, first + rest
    assert "stopped" in rest
    assert "reviews from Slack are off" not in rest  # said once, and it runs as before


def test_a_tick_that_raises_anything_is_logged_and_the_next_tick_runs(
        db_url: str, encoder: Encoder, caplog: pytest.LogCaptureFixture) -> None:
    app = _app(db_url, dt.time(7, 30))
    builds: list[int] = []

    def linker() -> Linker:  # the first build fails as a bug would, not with the project's own error
        builds.append(1)
        if len(builds) == 1:
            raise RuntimeError("CUDA error: out of memory")
        return Linker(app.watchlist, encoder=encoder)

    console = io.StringIO()
    pipeline = Pipeline(store=app.store, watchlist=app.watchlist, linker=linker, notifier=ConsoleNotifier(console))
    with Loopback() as server:
        server.serve_pages({"/wire.atom": sample_pages()["/wire.atom"]})
        feeds = [Feed(name="wire", url=f"{server.base}/wire.atom")]
        with caplog.at_level(logging.ERROR, logger="monitor.daemon"):
            poll_tick(pipeline, feeds)  # does not raise
        [record] = caplog.records
        assert record.exc_info is not None and "CUDA error" in str(record.exc_info[1])  # with its traceback
        # Nothing half-saved: only the blank row its claim made, its lease ended; the feed is due again.
        assert list(app.store.feed_states().values()) == [FeedState(name="wire")]
        poll_tick(pipeline, feeds)
    assert len(app.store.pending_alerts()) == 0 and app.store.alert_counts().get("sent", 0) >= 1
    assert "Apatzing" in console.getvalue()
    app.store.close()


def test_the_linker_is_warmed_before_the_first_poll_and_a_failure_is_left_to_the_polls(
        db_url: str, encoder: Encoder, caplog: pytest.LogCaptureFixture) -> None:
    app = _app(db_url, dt.time(7, 30))
    warmed: list[Linker] = []

    class Recording(Linker):
        def warm_up(self) -> None:
            warmed.append(self)
            super().warm_up()

    built = Recording(app.watchlist, encoder=encoder)
    pipeline = Pipeline(store=app.store, watchlist=app.watchlist, linker=lambda: built,
                        notifier=ConsoleNotifier(io.StringIO()))
    warm_linker(pipeline)
    assert warmed == [built]

    def broken() -> Linker:
        raise RuntimeError("model file truncated")

    with caplog.at_level(logging.ERROR, logger="monitor.daemon"):
        warm_linker(Pipeline(store=app.store, watchlist=app.watchlist, linker=broken,
                             notifier=ConsoleNotifier(io.StringIO())))  # does not raise
    [record] = caplog.records
    assert "every poll will try again" in record.getMessage() and "truncated" in str(record.exc_info[1])
    app.store.close()
