"""The alert outbox: claim each pending alert, send it, mark it sent; exactly once, even across crashes.

The outbox rows are written by the pipeline in the same transaction as the decision. Each row's
attempt is committed (claimed) before the post. A row that was attempted before but is still
pending may have been posted by a process that died waiting for the answer: the notifier is asked
first (`find_posted`, which looks for the alert id in Slack message metadata) instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from monitor.alerts import from_payload
from monitor.domain.errors import DeliveryError, FatalDeliveryError
from monitor.store.database import OutboxRow, Store
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


def deliver_pending(store: Store, notifier: Notifier, clock: Callable[[], dt.datetime]) -> DeliveryReport:
    sent = recovered = failed = 0
    posted: dict[int, str] = {}  # alert id -> ts, for replies whose thread root was sent in this run
    for row in store.pending_alerts():
        thread_ts = row.thread_ts or (posted.get(row.thread_of) if row.thread_of else None)
        try:
            ts, was_recovered = _deliver_one(store, notifier, row, thread_ts, clock)
        except FatalDeliveryError as exc:
            store.mark_alert_error(row.id, str(exc))
            return DeliveryReport(sent, recovered, failed + 1, fatal=str(exc))
        except DeliveryError as exc:
            log.warning("alert %d not delivered, kept queued: %s", row.id, exc)
            store.mark_alert_error(row.id, str(exc))
            failed += 1
            continue
        posted[row.id] = ts
        recovered += was_recovered
        sent += not was_recovered
    return DeliveryReport(sent, recovered, failed)


def _deliver_one(store: Store, notifier: Notifier, row: OutboxRow, thread_ts: str | None,
                 clock: Callable[[], dt.datetime]) -> tuple[str, bool]:
    if row.attempts > 0:
        oldest = (row.created_at - LOOKBACK).timestamp()
        found = notifier.find_posted(row.id, oldest, thread_ts=thread_ts)
        if found:
            store.mark_alert_sent(row.id, found, clock())
            return found, True
    store.mark_alert_attempt(row.id, clock())
    ts = notifier.send(from_payload(row.id, row.payload, thread_ts))
    store.mark_alert_sent(row.id, ts, clock())
    return ts, False
