"""One worker's share of a poll: claim a batch of feeds, poll it, and claim again until a claim comes
back short, so several workers on one database split the due feeds between them, each feed once.

A feed polled in this round is not offered again (`--once` would otherwise claim it back after its
save ends the lease); one another worker holds is left to it. While a batch is polled its leases are
renewed (a third of the lease, then again), so a batch slower than the lease on a busy machine is
not taken over and fetched a second time; a worker that dies stops renewing, and its leases run
out. When a batch fails, the leases this worker still holds are ended at once, so the feeds are due
again at the next tick of any worker rather than when the leases run out.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from typing import TYPE_CHECKING

from sqlalchemy.exc import OperationalError

from monitor.config.feeds import Feed

if TYPE_CHECKING:
    from monitor.pipeline import CycleReport, Pipeline
    from monitor.store.database import Store

log = logging.getLogger(__name__)


def poll_share(pipeline: Pipeline, feeds: Sequence[Feed], *, only_due: bool) -> CycleReport:
    """Poll this worker's share of the (due) enabled feeds, batch after batch; one report for them all."""
    from monitor.pipeline import CycleReport

    left = [f for f in feeds if f.enabled]
    total = CycleReport()
    try:
        with renewing(pipeline.store, pipeline.clock):
            while True:  # at least once: a poll with no feed still delivers what is pending
                report = pipeline.poll(left, only_due=only_due)
                total = _added(total, report)
                polled = {outcome.feed for outcome in report.feeds}
                left = [f for f in left if f.name not in polled]
                if not left or len(polled) < pipeline.store.worker.batch:  # a short claim: nothing more to take
                    break
    except BaseException:
        pipeline.store.release_feeds()
        raise
    return total


@contextmanager
def renewing(store: Store, clock: Callable[[], dt.datetime]) -> Iterator[None]:
    """Renew this worker's feed leases every third of a lease, on a thread, for the block."""
    stop = threading.Event()
    every = store.worker.lease.total_seconds() / 3

    def renew() -> None:
        while not stop.wait(every):
            try:
                store.renew_feeds(clock())
            except OperationalError as exc:  # the database busy or gone: the next renewal tries again
                log.warning("renewing this worker's feed leases failed: %s", str(exc).splitlines()[0])

    thread = threading.Thread(target=renew, name="lease-renewal", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _added(a: CycleReport, b: CycleReport) -> CycleReport:
    # Every field of a report adds up: tuples of outcomes, counts, the delivery reports.
    return type(a)(**{f.name: getattr(a, f.name) + getattr(b, f.name) for f in fields(a)})
