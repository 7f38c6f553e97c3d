"""RSS and Atom: fetched bytes + headers -> Items, through feedparser (never given a URL)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

import feedparser

from monitor.canonical import canonical_url
from monitor.config.feeds import Feed
from monitor.domain.errors import FetchError
from monitor.domain.item import Item
from monitor.fetch import FetchResult
from monitor.sources.markup import plain_text, text_key
from monitor.sources.xmlguard import check_entities

log = logging.getLogger(__name__)

PDF_TYPE = "application/pdf"


def parse_rss(feed: Feed, result: FetchResult) -> list[Item]:
    """Every entry of an RSS/Atom document as an Item.

    `bozo` (ill-formed XML, a wrong charset) is only logged: feedparser's loose parser still yields
    the entries, and those are what the vetters need. A document with no entries that is not a feed
    at all (an HTML error page, an empty body) is a `FetchError("bad_feed")`; entity tricks are
    `FetchError("unsafe_xml")` (see `xmlguard`).
    """
    if not result.content.strip():
        raise FetchError("bad_feed", f"{result.url}: empty body")
    headers = {"content-location": result.url, **result.headers}
    check_entities(result.content, headers)
    parsed = feedparser.parse(result.content, response_headers=headers)
    if parsed.bozo:
        if not parsed.entries and not parsed.get("version"):
            raise FetchError("bad_feed", f"{result.url}: not a feed ({_reason(parsed)})")
        log.info("feed %s is not well-formed, entries kept: %s", feed.name, _reason(parsed))
    source = plain_text(parsed.feed.get("title")) or feed.name
    language = language_code(feed.language or parsed.feed.get("language") or headers.get("content-language"))
    return [_item(feed, entry, source, language, result.url) for entry in parsed.entries]


def _reason(parsed: Mapping[str, Any]) -> str:
    exc = parsed.get("bozo_exception")
    return f"{type(exc).__name__}: {exc}" if exc is not None else "unknown"


def _item(feed: Feed, entry: dict[str, Any], source: str, language: str | None, base: str) -> Item:
    title = plain_text(_str(entry.get("title")))
    summary = plain_text(_str(entry.get("summary")) or _first_content(entry))
    url = canonical_url(_str(entry.get("link")), base)
    guid = _str(entry.get("id")).strip() or url or text_key(title, summary)
    return Item(feed=feed.name, guid=guid, url=url, title=title, summary=summary,
                published=_published(entry), language=language, source=source,
                attachments=pdf_links(url, _linked(entry), base))


def _str(value: object) -> str:
    # feedparser hands back str for text fields, but ill-formed feeds can leave other shapes.
    return value if isinstance(value, str) else ""


def _first_content(entry: Mapping[str, Any]) -> str:
    for content in entry.get("content") or ():
        if isinstance(content, Mapping) and isinstance(content.get("value"), str):
            return str(content["value"])
    return ""


def _published(entry: dict[str, Any]) -> dt.datetime | None:
    # dict.get, not entry.get: feedparser warns (DeprecationWarning) when `updated_parsed` is read
    # through its fallback to `published_parsed`.
    parsed = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    if not isinstance(parsed, time.struct_time):
        return None
    try:
        return dt.datetime(*parsed[:6], tzinfo=dt.UTC)
    except ValueError:
        return None


def _linked(entry: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """(href, type) of every enclosure and link of an entry."""
    for key in ("enclosures", "links"):
        for link in entry.get(key) or ():
            if isinstance(link, Mapping) and isinstance(link.get("href"), str):
                yield str(link["href"]), str(link.get("type") or "")


def pdf_links(url: str, links: Iterable[tuple[str, str]], base: str) -> tuple[str, ...]:
    """Canonical URLs of the PDF documents among an item's own link and its (href, type) links."""
    found: list[str] = []
    for href, media_type in [(url, ""), *links]:
        absolute = canonical_url(href, base) if href else ""
        if absolute and is_pdf(absolute, media_type) and absolute not in found:
            found.append(absolute)
    return tuple(found)


def is_pdf(url: str, media_type: str = "") -> bool:
    """A PDF by declared type, or by a path ending in `.pdf` when no type is given."""
    if media_type:
        return media_type.split(";")[0].strip().lower() == PDF_TYPE
    return url.split("?")[0].lower().endswith(".pdf")


def language_code(tag: object) -> str | None:
    """'es-MX' -> 'es'; the matchers only care about the language, not the region. What is no language
    subtag (2 to 8 letters, BCP 47) is no language: feed text is untrusted, and the store keeps 20 characters."""
    if not isinstance(tag, str) or not tag.strip():
        return None
    code = tag.strip().replace("_", "-").split("-")[0].lower()
    return code if 2 <= len(code) <= 8 and code.isascii() and code.isalpha() else None
