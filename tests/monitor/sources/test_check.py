"""`monitor feeds check`: every feed fetched once over loopback HTTP, its items counted or its error kept."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from monitor.cli_output import print_check
from monitor.config.feeds import Feed, load_feeds
from monitor.domain.errors import FetchError
from monitor.fetch import Fetcher, make_client
from monitor.loopback import Loopback
from monitor.sources.check import check_feeds
from tests.monitor.conftest import FIXTURES, TEST_LIMITS

RSS_TYPE = {"Content-Type": "application/rss+xml"}


@asynccontextmanager
async def short_fetcher() -> AsyncIterator[Fetcher]:
    async with make_client(TEST_LIMITS) as client:
        yield Fetcher(client, limits=TEST_LIMITS, max_concurrency=4, per_host=2)


def test_each_feed_gives_its_item_count_or_its_error_in_order(server: Loopback) -> None:
    good = Feed(name="un-news", url=server.static("/un.xml", (FIXTURES / "un-news.rss").read_bytes(), headers=RSS_TYPE))
    gone = Feed(name="gone", url=server.url("/gone.xml"))
    relief = Feed(name="relief", kind="reliefweb", url=server.url("/reports"))  # no appname anywhere

    results = asyncio.run(check_feeds(short_fetcher, [good, gone, relief], reliefweb_appname=None))

    assert isinstance(results[0], int) and results[0] > 0
    assert isinstance(results[1], FetchError) and results[1].kind == "http_404"
    assert isinstance(results[2], FetchError) and results[2].kind == "bad_config"
    assert sorted(r.path for r in server.requests) == ["/gone.xml", "/un.xml"]  # concurrent; none for relief
    out = io.StringIO()
    assert print_check([good, gone, relief], results, out) == 2
    lines = out.getvalue().splitlines()[::2]  # the other lines say where each address was confirmed
    assert lines[0].split() == ["un-news", "ok,", str(results[0]), "items"]
    assert lines[1].split()[:2] == ["gone", "FAILED"] and "RELIEFWEB_APPNAME" in lines[2]


def test_check_on_the_shipped_file_names_where_each_feed_was_confirmed() -> None:
    feeds = load_feeds(Path(__file__).parents[3] / "feeds.yaml")
    out = io.StringIO()
    print_check(feeds, [0] * len(feeds), out)
    lines = out.getvalue().splitlines()

    assert len(lines) == 2 * len(feeds)
    for feed, second in zip(feeds, lines[1::2], strict=True):
        if feed.confirmed:
            assert second.strip() == f"confirmed: {feed.confirmed}"
        else:  # an address nobody confirmed is shipped switched off, and says so
            assert not feed.enabled and second.strip() == "not confirmed (see feeds.yaml); disabled"
    assert any(f.confirmed and f.enabled for f in feeds)
