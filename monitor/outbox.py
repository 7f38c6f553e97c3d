"""The outboxes: claim each pending row, send it, mark it sent; exactly once, even across crashes.

Two outboxes share this one delivery loop: the alerts, and the "from the archive" messages that
`monitor relink` queues. Their rows are written by the pipeline (or the relink) in the same
transaction as the decision. Each row's attempt is committed (claimed) before the post. A row that
was attempted before but is still pending may have been posted by a process that died waiting for
the answer: the notifier is asked first (`find_posted`, which looks for the row id in Slack message
metadata) instead of guessing.

Several workers may deliver at once: each claims its rows under a lease first (`Store.claim_pending`),
so a row is posted by one of them; a worker killed after posting leaves its lease to run out, and the
next claimer finds the post instead of repeating it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from monitor.alerts import from_payload
from monitor.domain.errors import DeliveryError, FatalDeliveryError
from monitor.review.archive import notice_from_payload
from monitor.store.database import Outbox, OutboxRow, Store
from notifiers.base import Notifier

log = logging.getLogger(__name__)

# How far before an alert's creation to look back in the channel history for it.
LOOKBACK = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    recovered: int = 0  # found already posted by an earlier, interrupted attempt
    failed: int = 0
    fatal: str = ""  # set when delivery stopped on an error retrying cannot fix

    def __add__(self, other: DeliveryReport) -> DeliveryReport:
        return DeliveryReport(self.sent + other.sent, self.recovered + other.recovered, self.failed + other.failed,
                              self.fatal or other.fatal)


@dataclass(frozen=True)
class _Queue:
    """One outbox table and how its rows are posted and found again."""

    name: Outbox
    what: str  # for the log
    send: Callable[[OutboxRow, str | None], str]  # (row, thread ts) -> message ts
    find: Callable[[OutboxRow, float, str | None], str | None]  # (row, oldest, thread ts) -> ts if posted


def deliver_pending(store: Store, notifier: Notifier, clock: Callable[[], dt.datetime]) -> DeliveryReport:
    """Send the pending alerts, then the pending archive messages; stop at an error no retry can fix."""
    queues = (
        _Queue("alerts", "alert", lambda row, thread: notifier.send(from_payload(row.id, row.payload, thread)),
               lambda row, oldest, thread: notifier.find_posted(row.id, oldest, thread_ts=thread)),
        _Queue("archive_messages", "archive message",
               lambda row, _: notifier.send_archive(notice_from_payload(row.id, row.payload)),
               lambda row, oldest, _: notifier.find_archive_posted(row.id, oldest)),
    )
    total = DeliveryReport()
    for queue in queues:
        total += _deliver(store, queue, clock)
        if total.fatal:
            break
    return total


def _deliver(store: Store, queue: _Queue, clock: Callable[[], dt.datetime]) -> DeliveryReport:
    """Claim a batch of the queue's rows, post them, claim the next, until none is left for this worker;
    the leases on rows it could not send end with the round, so any worker retries them next time."""
    report, after, claimed = DeliveryReport(), 0, False
    posted: dict[int, str] = {}  # row id -> ts, for replies whose thread root was sent in this run
    try:
        while rows := store.claim_pending(queue.name, clock(), after_id=after):
            claimed = True
            report += _deliver_rows(store, queue, rows, posted, clock)
            if report.fatal:
                break
            after = rows[-1].id
    finally:
        if claimed:
            store.release_outbox(queue.name)
    return report


def _deliver_rows(store: Store, queue: _Queue, rows: list[OutboxRow], posted: dict[int, str],
                  clock: Callable[[], dt.datetime]) -> DeliveryReport:
    sent = recovered = failed = 0
    for row in rows:
        thread_ts = row.thread_ts or (posted.get(row.thread_of) if row.thread_of else None)
        try:
            delivered = _deliver_one(store, queue, row, thread_ts, clock)
        except FatalDeliveryError as exc:
            store.mark_error(queue.name, row.id, str(exc))
            return DeliveryReport(sent, recovered, failed + 1, fatal=str(exc))
        except DeliveryError as exc:
            log.warning("%s %d not delivered, kept queued: %s", queue.what, row.id, exc)
            store.mark_error(queue.name, row.id, str(exc))
            failed += 1
            continue
        if delivered is None:  # sent meanwhile, or another worker took the row over: theirs now
            continue
        ts, was_recovered = delivered
        posted[row.id] = ts
        recovered += was_recovered
        sent += not was_recovered
    return DeliveryReport(sent, recovered, failed)


def _deliver_one(store: Store, queue: _Queue, row: OutboxRow, thread_ts: str | None,
                 clock: Callable[[], dt.datetime]) -> tuple[str, bool] | None:
    if row.attempts > 0:  # an earlier attempt (this worker's or a dead one's) may have been posted
        found = queue.find(row, (row.created_at - LOOKBACK).timestamp(), thread_ts)
        if found:
            store.mark_sent(queue.name, row.id, found, clock())
            return found, True
    if not store.mark_attempt(queue.name, row.id, clock()):
        return None
    ts = queue.send(row, thread_ts)
    store.mark_sent(queue.name, row.id, ts, clock())
    return ts, False
