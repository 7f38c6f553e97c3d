from __future__ import annotations

import datetime as dt

from monitor.backoff import MAX_WAIT, is_due, next_poll

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
FIFTEEN = dt.timedelta(minutes=15)


def test_success_waits_the_interval_plus_bounded_jitter() -> None:
    assert next_poll(NOW, FIFTEEN, error_count=0, jitter=0.0) == NOW + FIFTEEN
    late = next_poll(NOW, FIFTEEN, error_count=0, jitter=0.99)
    assert NOW + FIFTEEN < late < NOW + FIFTEEN * 1.1


def test_failures_back_off_exponentially_and_are_capped_never_dropped() -> None:
    waits = [next_poll(NOW, FIFTEEN, error_count=n, jitter=0.0) - NOW for n in (1, 2, 3, 4)]
    assert waits == [FIFTEEN, FIFTEEN * 2, FIFTEEN * 4, FIFTEEN * 8]
    assert next_poll(NOW, FIFTEEN, error_count=50, jitter=0.0) == NOW + MAX_WAIT


def test_retry_after_and_max_age_stretch_the_wait() -> None:
    hour = dt.timedelta(hours=1)
    assert next_poll(NOW, FIFTEEN, error_count=0, jitter=0.0, max_age=hour) == NOW + hour
    assert next_poll(NOW, FIFTEEN, error_count=1, jitter=0.0, retry_after=2 * hour) == NOW + 2 * hour
    # A server asking for less than our interval does not make us poll faster.
    assert next_poll(NOW, FIFTEEN, error_count=0, jitter=0.0, max_age=dt.timedelta(seconds=5)) == NOW + FIFTEEN


def test_is_due() -> None:
    assert is_due(None, NOW)
    assert is_due(NOW, NOW)
    assert not is_due(NOW + dt.timedelta(seconds=1), NOW)
