"""`monitor feeds add`: discovery on a site's page, and GDELT queries written from the watchlist.

The CLI prints; these functions decide and write feeds.yaml (through `config.feeds_edit`, so the
file's comments stay). Nothing here imports the pipeline: `feeds add` must start quickly.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.config.feeds import Feed
from monitor.config.feeds_edit import add_feeds
from monitor.config.yamlfile import read_yaml
from monitor.domain.errors import FetchError, MonitorError
from monitor.domain.watchlist import Watchlist
from monitor.fetch import Fetcher, make_client
from monitor.sources.discover import Discovery, discover
from monitor.sources.gdelt import API_URL, watchlist_queries
from notifiers.escape import terminal

Echo = Callable[[str], None]
GDELT_PREFIX = "gdelt-watchlist"


@dataclass(frozen=True)
class AddOptions:
    name: str | None = None
    interval: str | None = None
    add_all: bool = False


async def _discover(url: str) -> Discovery:
    async with make_client() as client:
        return await discover(Fetcher(client), url)


def discover_and_add(path: Path, url: str, options: AddOptions, echo: Echo) -> list[Feed]:
    """Add the feed `url` is, or the best one its page offers (every one with `add_all`).

    A URL that cannot be fetched now is added as given, with a warning (`feeds check` will say
    more later); a page with no feed raises MonitorError after printing a `kind: html` suggestion.
    """
    try:
        found = asyncio.run(_discover(url))
    except FetchError as exc:
        echo(f"warning: could not fetch {url} ({terminal(str(exc))}); added as given")
        return add_feeds(path, [_entry(url, options, 0)], strict_names=bool(options.name))
    if not found.feeds:
        _suggest(found, echo)
        raise MonitorError(f"no RSS or Atom feed found at {url} (nor at /feed, /rss, ...); nothing added")
    if found.feeds[0].how != "given":
        echo(f"feeds found for {terminal(found.url)}:")
        for n, feed in enumerate(found.feeds):
            mark = "*" if n == 0 or options.add_all else " "
            title = terminal(feed.title)[:60]
            echo(f"  {mark} {terminal(feed.url)}  {title!r} ({feed.entries} entries, by {feed.how})")
    chosen = found.feeds if options.add_all else found.feeds[:1]
    entries = [_entry(f.url, options, n) for n, f in enumerate(chosen)]
    return add_feeds(path, entries, strict_names=bool(options.name))


def _entry(url: str, options: AddOptions, n: int) -> dict[str, Any]:
    entry: dict[str, Any] = {"url": url}
    if options.name:
        entry["name"] = options.name if n == 0 else f"{options.name}-{n + 1}"
    if options.interval:
        entry["interval"] = options.interval
    return entry


def _suggest(found: Discovery, echo: Echo) -> None:
    echo(f"no feed found at {terminal(found.url)}")
    if found.suggestion is None:
        echo("no repeated list of linked headlines either; see README (kind: html) to write select: by hand")
        return
    s = found.suggestion
    parts = [f"item: {s.select.item!r}", f"title: {s.select.title!r}", "link: a"]
    parts += [f"{key}: {value!r}" for key, value in (("date", s.select.date), ("summary", s.select.summary)) if value]
    echo(f"this list page could be read as kind: html; these selectors found {s.matched} items on it "
         f"(first: {terminal(s.first_title)[:80]!r}):")
    echo(f"  - {{name: ..., kind: html, url: {found.url!r}, select: {{{', '.join(parts)}}}}}")


def add_gdelt_from_watchlist(path: Path, watchlist: Watchlist, *, suffix: str, interval: str | None) -> list[Feed]:
    """One `kind: gdelt` feed per query of OR-ed case and unit names and aliases (each query within
    the API's length); queries already in feeds.yaml are not added again."""
    aliases = [name for case in watchlist.cases for name in (case.name, *case.aliases)]
    aliases += [name for unit in watchlist.units for name in (unit.name, *unit.aliases)]
    queries = watchlist_queries(aliases, suffix=suffix)
    data = read_yaml(path) if path.exists() else None
    listed = {str(e.get("query")) for e in (data or {}).get("feeds") or () if isinstance(e, dict)}
    entries = [{"name": f"{GDELT_PREFIX}-{n}", "url": API_URL, "kind": "gdelt", "query": q,
                **({"interval": interval} if interval else {}), "tags": ["gdelt"]}
               for n, q in enumerate(queries, 1) if q not in listed]
    return add_feeds(path, entries, strict_names=False) if entries else []
