"""`monitor feeds check`: fetch and parse every feed once, concurrently, storing nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager

from monitor.config.feeds import Feed
from monitor.domain.errors import FetchError
from monitor.fetch import Fetcher, Validators
from monitor.sources.read import read_feed


async def check_feeds(open_fetcher: Callable[[], AbstractAsyncContextManager[Fetcher]], feeds: Sequence[Feed],
                      reliefweb_appname: str | None) -> list[int | FetchError]:
    """For each feed (in order) how many items it returned, or the FetchError that stopped it."""

    async def one(fetcher: Fetcher, feed: Feed) -> int | FetchError:
        try:
            read = await read_feed(fetcher, feed, Validators(None, None), reliefweb_appname=reliefweb_appname)
        except FetchError as exc:
            return exc
        return len(read.items)

    async with open_fetcher() as fetcher:
        return list(await asyncio.gather(*(one(fetcher, f) for f in feeds)))
