"""`monitor run`: APScheduler 3 in the foreground until SIGINT/SIGTERM.

One job ticks every minute and polls the feeds that are due: each feed's next poll time (its
interval with jitter, backoff after failures, Retry-After / max-age) is kept in the store, so the
schedule survives restarts and a failing feed backs off on its own. A second job sends the digest
daily at DIGEST_TIME in TZ; a one-off job at start-up catches up on a digest missed while down.
Jobs run one at a time (one thread), so a poll and the digest never race on the store.

Several `monitor run` processes may share one PostgreSQL database: each tick claims a batch of due
feeds under a lease, polls it and claims again (`monitor.share`); alerts and the digest are claimed
the same way, so each is sent once whichever worker sends it. On SQLite one run per file
(`monitor.store.runlock`).

Each tick first checks watchlist.yaml's fingerprint and, when the file changed, relinks the archive
(`monitor.review.watch`) and polls with the new watchlist. Review clicks arrive over Slack Socket
Mode (`monitor.review.socket`) on the Socket Mode client's own threads, when SLACK_APP_TOKEN is set.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.app import App, linker_factory, utc_now
from monitor.config.feeds import Feed
from monitor.domain.errors import MonitorError
from monitor.review.socket import start_reviews
from monitor.review.watch import WatchlistWatch
from monitor.share import poll_share

if TYPE_CHECKING:
    from matchers.linker import Linker
    from monitor.domain.watchlist import Watchlist
    from monitor.pipeline import Pipeline

log = logging.getLogger(__name__)

TICK = dt.timedelta(minutes=1)
STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def schedule_jobs(scheduler: BaseScheduler, app: App, *, poll: Callable[[], None], digest: Callable[[], None],
                  now: dt.datetime) -> None:
    """Add the poll tick, the daily digest and the start-up digest catch-up to `scheduler`."""
    zone = app.settings.zone
    tick = IntervalTrigger(seconds=int(TICK.total_seconds()), start_date=now, timezone=zone)
    scheduler.add_job(poll, tick, id="poll", next_run_time=now, max_instances=1, coalesce=True)
    at = app.settings.digest_time
    scheduler.add_job(digest, CronTrigger(hour=at.hour, minute=at.minute, timezone=zone), id="digest",
                      max_instances=1, coalesce=True, misfire_grace_time=3600)
    if now.astimezone(zone).time() >= at:
        scheduler.add_job(digest, "date", run_date=now, id="digest-catch-up")


def warm_linker(pipeline: Pipeline) -> None:
    """Load the model and embed the watchlist before the first poll, so the first cycle's alerts do not
    wait seconds for them (later cycles reuse the same linker). A failure is logged and left to the
    polls, which build the linker again and fail their cycle until it works."""
    try:
        pipeline.linker().warm_up()
    except Exception:
        log.exception("loading the linker at start failed; every poll will try again")


def poll_tick(pipeline: Pipeline, feeds: Sequence[Feed]) -> None:
    """One tick: poll the due feeds. Nothing it raises stops the daemon; the next tick tries again."""
    try:
        report = poll_share(pipeline, feeds, only_due=True)
    except MonitorError as exc:  # ours, with a message that says it all
        log.error("poll failed: %s", exc)
        return
    except Exception:  # a bug or a broken database: logged with its traceback, and the daemon goes on
        log.exception("poll failed")
        return
    if report.feeds:
        log.info("polled %d feeds: %d new items, %d alerts", len(report.feeds), report.stored, report.alerts)
    if report.delivery.fatal:
        log.error("alert delivery stopped, alerts kept queued: %s", report.delivery.fatal)


def watch_tick(watch: WatchlistWatch) -> tuple[Watchlist, Callable[[], Linker]] | None:
    """The watchlist check of one tick; like the poll, nothing it raises stops the daemon."""
    try:
        return watch.check()
    except Exception:
        log.exception("checking the watchlist for changes failed")
        return None


def run_forever(app: App, feeds: Sequence[Feed]) -> None:
    # Stop signals are blocked and waited for with sigwait instead of handled: a Python signal
    # handler can interrupt the scheduler while it holds a lock and deadlock on shutdown. Threads
    # started after the mask inherit it, so the signal always reaches this wait.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    scheduler = BackgroundScheduler(timezone=app.settings.zone, executors={"default": ThreadPoolExecutor(1)})
    pipeline = app.pipeline()
    watch = WatchlistWatch(app.store, app.settings.watchlist_path,
                           lambda watchlist: linker_factory(watchlist, app.settings.model, app.settings.cache_dir),
                           utc_now)

    def poll() -> None:
        nonlocal pipeline
        changed = watch_tick(watch)
        if changed is not None:
            app.watchlist, linker = changed
            pipeline = app.pipeline(linker=linker)
        poll_tick(pipeline, feeds)

    def digest() -> None:
        from monitor.digests import run_digest

        # Yesterday's digest, and any earlier one that is still pending (SMTP was down): none is lost.
        yesterday = dt.datetime.now(app.settings.zone).date() - dt.timedelta(days=1)
        for day in sorted({*app.store.pending_digest_days(), yesterday}):
            try:
                run_digest(app, day, send=True, out=None)
            except MonitorError as exc:  # stays pending; the next run retries it
                log.error("digest for %s not sent: %s", day, exc)

    if any(f.enabled for f in feeds):
        warm_linker(pipeline)  # before the scheduler starts: the first poll finds it ready, no race
    schedule_jobs(scheduler, app, poll=poll, digest=digest, now=dt.datetime.now(dt.UTC))
    scheduler.start()
    print(f"monitor: worker {app.store.worker.id} polling {sum(f.enabled for f in feeds)} feeds; digest daily at "
          f"{app.settings.digest_time:%H:%M} {app.settings.tz}. Ctrl-C to stop.", flush=True)
    reviews = start_reviews(app.settings, app.store, utc_now, sys.stdout)
    received = signal.sigwait(STOP_SIGNALS)
    log.warning("received %s, stopping after the running job", signal.Signals(received).name)
    scheduler.shutdown(wait=True)
    if reviews is not None:
        reviews.close()
    print("monitor: stopped.", flush=True)
