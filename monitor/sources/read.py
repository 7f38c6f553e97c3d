"""Reading sources: fetch a feed and parse it by kind (`read_feed`), then fetch each new item's
longer text — report PDFs, the article page — (`enrich`). A new item whose source names no language
gets a detected one there (`language`), from all its text.

    read_feed(fetcher, feed, validators) -> FeedRead(result, items)   items empty when not modified
    enrich(fetcher, feed, item)          -> Enriched(item, problems)  never loses the item

Parsing (feedparser, pypdf, trafilatura) is CPU work on untrusted input; it runs in a worker thread
so one 300-page report does not stall every other fetch's deadline on the event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace

from monitor.config.feeds import Feed
from monitor.domain.errors import FetchError
from monitor.domain.item import Item, Page
from monitor.fetch import Fetcher, FetchResult, MiB, Validators
from monitor.sources.fulltext import article_text
from monitor.sources.gdelt import gdelt_url, parse_gdelt
from monitor.sources.html_list import parse_html_list
from monitor.sources.language import with_language
from monitor.sources.pdf import pdf_pages
from monitor.sources.reliefweb import parse_reliefweb, reliefweb_url
from monitor.sources.rss import PDF_TYPE, is_pdf, parse_rss
from monitor.sources.sitemap import read_sitemap

PDF_MAX_BYTES = 25 * MiB

Parser = Callable[[Feed, FetchResult], list[Item]]
Outcome = tuple[Page, ...] | FetchError  # pages read, or why not
PARSERS: dict[str, Parser] = {"rss": parse_rss, "reliefweb": parse_reliefweb, "html": parse_html_list,
                               "gdelt": parse_gdelt}  # kind: sitemap follows its index: read_sitemap


@dataclass(frozen=True)
class FeedRead:
    """One poll of one feed: the response (validators, Retry-After, max-age) and its items."""

    result: FetchResult
    items: list[Item]


@dataclass(frozen=True)
class Enriched:
    """An item with whatever longer text could be fetched, and what could not (as FetchErrors).

    A failed PDF or article never drops the item: the title and summary still go to the matchers,
    and `problems` lets the pipeline count the failure against the feed.
    """

    item: Item
    problems: tuple[FetchError, ...] = ()


async def read_feed(fetcher: Fetcher, feed: Feed, validators: Validators, *,
                    reliefweb_appname: str | None = None) -> FeedRead:
    """Conditional GET of `feed.url`, parsed by `feed.kind` only when the server says it changed.

    Raises FetchError (network, HTTP status, unparseable document). `reliefweb_appname` is the
    `RELIEFWEB_APPNAME` setting, added to ReliefWeb URLs that do not carry one.
    """
    result = await fetcher.get(_source_url(feed, reliefweb_appname), validators)
    if result.not_modified:
        return FeedRead(result, [])
    if feed.kind == "sitemap":
        return FeedRead(result, await read_sitemap(fetcher, feed, result))
    return FeedRead(result, await asyncio.to_thread(PARSERS[feed.kind], feed, result))


def _source_url(feed: Feed, reliefweb_appname: str | None) -> str:
    if feed.kind == "gdelt":
        return gdelt_url(feed)
    if feed.kind != "reliefweb" or "appname=" in feed.url:
        return feed.url
    if not reliefweb_appname:
        raise FetchError("bad_config", f"{feed.name}: the ReliefWeb API needs an appname; "
                                       "set RELIEFWEB_APPNAME (or put appname= in the feed URL)")
    return reliefweb_url(feed.url, reliefweb_appname)


async def enrich(fetcher: Fetcher, feed: Feed, item: Item, *, pdf_max_bytes: int = PDF_MAX_BYTES,
                 max_pages: int = 300) -> Enriched:
    """`item` with pages added: every PDF attachment (numbered pages), else the article text when
    `feed.fulltext` (one Page, number None). An item whose own link is a PDF counts as an attachment.
    """
    pdfs = item.attachments
    if item.url and is_pdf(item.url) and item.url not in pdfs:
        pdfs = (*pdfs, item.url)
    jobs = [_pdf(fetcher, url, pdf_max_bytes, max_pages) for url in pdfs]
    if feed.fulltext and item.url and not pdfs:
        jobs.append(_article(fetcher, item.url, pdf_max_bytes, max_pages))
    pages: list[Page] = list(item.pages)
    problems: list[FetchError] = []
    for outcome in await asyncio.gather(*jobs):
        if isinstance(outcome, FetchError):
            problems.append(outcome)
        else:
            pages.extend(outcome)
    enriched = replace(item, pages=tuple(pages))
    # Detected here, on new items only with all their text, when the source names no language: a feed's
    # items the store has already seen are not worth the model's time.
    if not enriched.language:
        enriched = await asyncio.to_thread(with_language, enriched)
    return Enriched(enriched, tuple(problems))


async def _pdf(fetcher: Fetcher, url: str, max_bytes: int, max_pages: int) -> Outcome:
    try:
        result = await fetcher.get(url, max_bytes=max_bytes)
        return await asyncio.to_thread(pdf_pages, result.content, max_pages=max_pages)
    except FetchError as exc:
        return _about(exc, url)


async def _article(fetcher: Fetcher, url: str, max_bytes: int, max_pages: int) -> Outcome:
    try:
        result = await fetcher.get(url, max_bytes=max_bytes)
        if result.content_type == PDF_TYPE or result.content.startswith(b"%PDF"):
            return await asyncio.to_thread(pdf_pages, result.content, max_pages=max_pages)
        text = await asyncio.to_thread(article_text, result.content, result.url)
    except FetchError as exc:
        return _about(exc, url)
    if not text:
        return FetchError("no_text", f"{url}: no article text found on the page")
    return (Page(text, None),)


def _about(exc: FetchError, url: str) -> FetchError:
    # pdf_pages does not know which document it read; say it, so the problem can be looked up.
    return exc if url in str(exc) else FetchError(exc.kind, f"{url}: {str(exc).split(': ', 1)[-1]}")

