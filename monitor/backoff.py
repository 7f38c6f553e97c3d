"""When to poll a feed next: a pure function of the last outcome, so it is tested without sleeping."""

from __future__ import annotations

import datetime as dt

MAX_WAIT = dt.timedelta(hours=24)  # a failing feed is retried at least daily: never given up silently
JITTER_SHARE = 0.1  # spread polls so feeds with the same interval do not all fire together


def next_poll(now: dt.datetime, interval: dt.timedelta, *, error_count: int, jitter: float,
              retry_after: dt.timedelta | None = None, max_age: dt.timedelta | None = None) -> dt.datetime:
    """The time of the next poll.

    Success (`error_count` 0): the feed's interval, stretched to the server's `Cache-Control: max-age`
    or `Retry-After` when those ask for longer. Failure: exponential backoff from the interval
    (x2 per consecutive error), capped at a day. `jitter` in [0, 1) adds up to 10% of the wait.
    """
    wait = interval * 2 ** min(error_count - 1, 16) if error_count > 0 else interval
    for asked in (retry_after, max_age):
        if asked is not None:
            wait = max(wait, asked)
    wait = min(wait, MAX_WAIT)
    return now + wait + wait * (JITTER_SHARE * jitter)


def is_due(next_at: dt.datetime | None, now: dt.datetime) -> bool:
    return next_at is None or next_at <= now
