"""feedparser's own test feeds, served over loopback HTTP with their `Header:` lines, read by Fetcher +
parse_rss: no crash, every outcome items or a classified FetchError, and no entry lost compared with
feedparser reading the same bytes on its own. Run with `-s` to see the counts.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import feedparser

from monitor.config.feeds import Feed
from monitor.domain.errors import FetchError
from monitor.fetch import Fetcher, FetchLimits
from monitor.loopback import Loopback, Reply, Route
from monitor.sources.rss import parse_rss
from tests.monitor.conftest import run_fetch
from tests.shared import SHARED, shared_path

CORPUS = SHARED / "corpora" / "feedparser-tests"
FOLDERS = ["tests/wellformed", "tests/illformed", "tests/encoding", "tests/entities",
           "tests_http_legacy/tests/http"]
ORIGINAL_HOST = "http://localhost:8097"  # where feedparser's own test server lived
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)
_HEADER = re.compile(r"^\s*Header:\s*([^:\s]+)\s*:[ \t]*(.*?)\s*$", re.MULTILINE)


def corpus_files() -> list[Path]:
    return sorted(path for folder in FOLDERS for path in (CORPUS / folder).rglob("*") if path.is_file())


def declared_reply(data: bytes, base: str) -> Reply:
    """The reply a file asks for in its leading comment: `Header: Status: 302`, `Header: Name: value`."""
    # UTF-16/32 fixtures keep the comment in ASCII once the NUL bytes are gone.
    comment = _COMMENT.search(data[:4096].replace(b"\0", b"").decode("latin-1"))
    status, headers = 200, {}
    for name, value in _HEADER.findall(comment.group(1) if comment else ""):
        if name.lower() == "status":
            status = int(value)
        else:
            headers[name] = value.replace(ORIGINAL_HOST, base)
    return Reply(status, headers, data)


def canned(reply: Reply) -> Route:
    return lambda _request: reply


@dataclass
class Tally:
    files: int = 0
    with_items: int = 0
    entries: int = 0
    not_modified: int = 0
    empty: int = 0  # a feed (or fragment) with no entries: read fine, nothing to keep
    errors: Counter[str] = field(default_factory=Counter)
    lost: list[str] = field(default_factory=list)  # files where we kept fewer entries than feedparser
    crashes: list[str] = field(default_factory=list)


async def read_one(fetcher: Fetcher, url: str, name: str, tally: Tally) -> None:
    feed = Feed(name="corpus", url=url)
    try:
        result = await fetcher.get(url)
        if result.not_modified:
            tally.not_modified += 1
            return
        items = parse_rss(feed, result)
    except FetchError as error:
        tally.errors[error.kind] += 1
        return
    except Exception as exc:  # the point of this test: record any crash with its file, then fail
        tally.crashes.append(f"{name}: {type(exc).__name__}: {exc}")
        return
    assert all(isinstance(i.title, str) and isinstance(i.summary, str) for i in items), name
    headers = {"content-location": result.url, **result.headers}
    alone = feedparser.parse(result.content, response_headers=headers)
    if len(items) < len(alone.entries):
        tally.lost.append(name)
    tally.with_items += bool(items)
    tally.empty += not items
    tally.entries += len(items)


def test_every_corpus_feed_is_read_without_crashing() -> None:
    shared_path("corpora", "feedparser-tests")  # a missing corpus fails here, it is never skipped
    files = corpus_files()
    tally = Tally(files=len(files))
    with Loopback() as server:
        for path in files:
            route = canned(declared_reply(path.read_bytes(), server.base))
            server.route("/" + str(path.relative_to(CORPUS)), route)
            if "tests/http/" in str(path):  # the legacy suite also answered under its old prefix
                server.route("/" + str(path.relative_to(CORPUS / "tests_http_legacy")), route)
        server.route("/-/return-304.xml", lambda _r: Reply(304))

        async def read_all(fetcher: Fetcher) -> None:
            await asyncio.gather(*(read_one(fetcher, server.url("/" + str(p.relative_to(CORPUS))),
                                            str(p.relative_to(CORPUS)), tally) for p in files))
        run_fetch(read_all, FetchLimits(deadline=10.0), max_concurrency=16, per_host=16)

    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(tally.errors.items()))
    print(f"\nfeedparser corpus: {tally.files} files over loopback HTTP -> {tally.with_items} with items "
          f"({tally.entries} entries), {tally.empty} with no entries, {tally.not_modified} not modified, "
          f"{sum(tally.errors.values())} classified errors ({kinds}), {len(tally.crashes)} crashes, "
          f"{len(tally.lost)} files losing entries")
    assert tally.crashes == []
    assert tally.lost == []
    outcomes = tally.with_items + tally.empty + tally.not_modified + sum(tally.errors.values())
    assert outcomes == tally.files
    assert tally.files > 2000 and tally.entries > 1000
