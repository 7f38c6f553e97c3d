"""Fixtures for the fetch and source tests: one loopback server per test, and a way to run a Fetcher against it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from monitor.fetch import Fetcher, FetchLimits, make_client
from monitor.loopback import Loopback
from monitor.store.database import Store

T = TypeVar("T")
FIXTURES = Path(__file__).parent / "sources" / "fixtures"
# Short enough that the failure tests finish in well under a second each.
TEST_LIMITS = FetchLimits(max_bytes=1024 * 1024, connect_timeout=1.0, read_timeout=0.5, deadline=2.0,
                          max_redirects=5)


@pytest.fixture
def server() -> Iterator[Loopback]:
    with Loopback() as loopback:
        yield loopback


def run_fetch(body: Callable[[Fetcher], Awaitable[T]], limits: FetchLimits = TEST_LIMITS, *,
              max_concurrency: int = 10, per_host: int = 2) -> T:
    """Run `body(fetcher)` on a fresh event loop with a client that is closed afterwards."""
    async def main() -> T:
        async with make_client(limits) as client:
            fetcher = Fetcher(client, limits=limits, max_concurrency=max_concurrency, per_host=per_host)
            return await body(fetcher)
    return asyncio.run(main())


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    """A fresh store in a database of the test's own (`db_url`; a test folder may define its own instead)."""
    s = Store(db_url)
    yield s
    s.close()
