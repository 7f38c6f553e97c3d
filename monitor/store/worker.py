"""Who holds a lease: this process's worker id (host:pid:random), with how long its leases last.

Several `monitor run` processes, on one machine or several, share one database. Each claims its
feeds and outbox rows under its worker id; a lease it does not renew runs out, and another worker
takes the work over. The id is in every log line and in the lease columns, so a takeover names the
worker that died. No SQLAlchemy here: the CLI puts the id in its log format before loading the store.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
from dataclasses import dataclass

# Longer than a cycle over one claimed batch can take (a 30 s request deadline, full text, linking):
# a lease that ran out under a live worker would let a second worker fetch the same feeds.
DEFAULT_LEASE = dt.timedelta(minutes=5)
# Feeds one claim takes: small enough that several workers share a large due set, large enough
# that one worker's cycle still links in big batches.
DEFAULT_BATCH = 500

_ids: dict[int, str] = {}  # pid -> id: a forked child is another worker


def worker_id() -> str:
    """`host:pid:random` for this process; the random part tells apart two lives of one pid."""
    pid = os.getpid()
    if pid not in _ids:
        _ids[pid] = f"{socket.gethostname()}:{pid}:{secrets.token_hex(3)}"
    return _ids[pid]


@dataclass(frozen=True)
class Worker:
    """The holder of this store's leases: its id, how long a lease lasts, the most feeds a claim takes."""

    id: str
    lease: dt.timedelta = DEFAULT_LEASE
    batch: int = DEFAULT_BATCH

    @classmethod
    def here(cls, lease: dt.timedelta = DEFAULT_LEASE, batch: int = DEFAULT_BATCH) -> Worker:
        return cls(worker_id(), lease, batch)
