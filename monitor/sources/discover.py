"""Feed discovery for `monitor feeds add URL`: from a site's page to the feeds it offers.

    discover(fetcher, url) -> Discovery(feeds, suggestion)

1. The URL itself is a feed: that one.
2. An HTML page: its `<link rel="alternate" type="application/rss+xml | application/atom+xml">`
   elements, in document order (publishers put the main feed first).
3. None declared: the common paths on the site (`COMMON_PATHS`: /feed, /rss, /feed.xml, ...).

Every candidate is fetched through the project's `Fetcher` (size caps, redirect limit, deadline) and
counts only when it parses as RSS/Atom (feedparser given the bytes, behind `xmlguard`). When no feed
is found, `suggestion` is a `Select` for `kind: html` that was tried on the page and matched items.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import feedparser
from bs4 import BeautifulSoup, Tag

from monitor.config.feeds import Select
from monitor.domain.errors import FetchError
from monitor.fetch import Fetcher, FetchResult
from monitor.sources.markup import html_soup, plain_text
from monitor.sources.xmlguard import check_entities

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml"})
COMMON_PATHS = ("/feed", "/rss", "/feed.xml", "/atom.xml", "/index.xml", "/rss.xml")
# Repeated blocks list pages are made of, most specific first; `li` last (menus are lists too).
ITEM_SELECTORS = ("article", ".views-row", ".post", ".noticia", ".entry", ".item", "li")
HEADINGS = ("h2", "h3", "h4", "h1")
MIN_ITEMS = 3  # fewer repeated blocks than this is not a list of news


@dataclass(frozen=True)
class Found:
    url: str  # after redirects
    title: str  # the feed's own title (untrusted: shown through terminal())
    entries: int
    how: str  # "given", "link" or "path"


@dataclass(frozen=True)
class Suggestion:
    select: Select
    matched: int  # items the selectors found on the page
    first_title: str


@dataclass(frozen=True)
class Discovery:
    url: str
    feeds: tuple[Found, ...]
    suggestion: Suggestion | None = None


async def discover(fetcher: Fetcher, url: str) -> Discovery:
    """The feeds `url` is or offers; raises FetchError when `url` itself cannot be fetched."""
    page = await fetcher.get(url)
    itself = as_feed(page, "given")
    if itself is not None:
        return Discovery(page.url, (itself,))
    soup = html_soup(page.content)
    declared = alternate_links(soup, page.url)
    found = await _probe_all(fetcher, declared, "link")
    if not found:
        root = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
        found = await _probe_all(fetcher, [root + path for path in COMMON_PATHS], "path")
    return Discovery(page.url, found, None if found else suggest_select(soup))


def alternate_links(soup: BeautifulSoup, base: str) -> list[str]:
    """Absolute hrefs of the page's RSS/Atom alternate links, each once, in document order."""
    urls: list[str] = []
    for link in soup.find_all("link", href=True):
        rel: object = link.get("rel") or []
        rels = [str(r) for r in rel] if isinstance(rel, list) else str(rel).split()
        media_type = str(link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" in [r.lower() for r in rels] and media_type in FEED_TYPES:
            href = urljoin(base, str(link["href"]).strip())
            if href.startswith(("http://", "https://")) and href not in urls:
                urls.append(href)
    return urls


async def _probe_all(fetcher: Fetcher, urls: list[str], how: str) -> tuple[Found, ...]:
    found = await asyncio.gather(*(_probe(fetcher, u, how) for u in urls))
    unique: dict[str, Found] = {}
    for feed in found:
        if feed is not None and feed.url not in unique:
            unique[feed.url] = feed
    return tuple(unique.values())


async def _probe(fetcher: Fetcher, url: str, how: str) -> Found | None:
    try:
        result = await fetcher.get(url)
    except FetchError:
        return None
    return await asyncio.to_thread(as_feed, result, how)


def as_feed(result: FetchResult, how: str) -> Found | None:
    """`result` as a Found feed when its body is RSS or Atom, else None (HTML, JSON, an error page)."""
    head = result.content[:2048].lstrip().lower()
    if not head or head.startswith((b"<!doctype html", b"<html")):
        return None
    try:
        check_entities(result.content, result.headers)
    except FetchError:
        return None
    parsed = feedparser.parse(result.content, response_headers={"content-location": result.url, **result.headers})
    if not parsed.get("version"):
        return None
    return Found(result.url, plain_text(parsed.feed.get("title")), len(parsed.entries), how)


def suggest_select(soup: BeautifulSoup) -> Suggestion | None:
    """Selectors for `kind: html` that find at least MIN_ITEMS linked, titled blocks on the page."""
    for item_selector in ITEM_SELECTORS:
        blocks = [b for b in soup.select(item_selector) if b.find("a", href=True)]
        for heading in HEADINGS:
            titled = [b for b in blocks if b.find(heading)]
            if len(titled) >= MIN_ITEMS:
                return _suggestion(item_selector, heading, titled)
    return None


def _suggestion(item: str, title: str, blocks: list[Tag]) -> Suggestion:
    date = "time" if all(b.find("time") for b in blocks) else None
    summary = "p" if sum(bool(b.find("p")) for b in blocks) * 2 >= len(blocks) else None
    first = blocks[0].find(title)
    return Suggestion(Select(item=item, title=title, link="a", date=date, summary=summary), len(blocks),
                      plain_text(first.get_text(" ") if first else ""))
