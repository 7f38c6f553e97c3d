"""List pages with no feed (`kind: html`): one Item per element matched by the feed's CSS selectors."""

from __future__ import annotations

import datetime as dt
import email.utils
import re

from bs4 import Tag
from dateutil import parser as dateutil_parser
from soupsieve import SelectorSyntaxError

from monitor.canonical import canonical_url
from monitor.config.feeds import Feed, Select
from monitor.domain.errors import FetchError
from monitor.domain.item import Item
from monitor.domain.months import MONTH_NUMBER
from monitor.fetch import FetchResult
from monitor.sources.markup import html_soup, plain_text, text_key
from monitor.sources.rss import is_pdf

# "12 de mayo de 2024", "12 mayo 2024", "May 12, 2024"
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s+(?:de\s+)?([a-zA-Z]+)\.?,?\s+(?:de\s+|del\s+)?(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([a-zA-Z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")


def parse_html_list(feed: Feed, result: FetchResult) -> list[Item]:
    """Items from `result`'s page using `feed.select`; links are made absolute against the page URL."""
    if feed.select is None:
        raise FetchError("bad_config", f"feed {feed.name} is kind: html but has no select:")
    soup = html_soup(result.content)
    try:
        elements = soup.select(feed.select.item)
    except SelectorSyntaxError as exc:
        raise FetchError("bad_selector", f"{feed.name}: select.item {feed.select.item!r}: {exc}") from exc
    items = (_item(feed, feed.select, element, result.url) for element in elements)
    return [item for item in items if item is not None]


def _item(feed: Feed, select: Select, element: Tag, base: str) -> Item | None:
    anchor = _first(element, select.link)
    href = anchor.get("href") if anchor is not None else element.get("href")
    url = canonical_url(href, base) if isinstance(href, str) else ""
    title = _text(_first(element, select.title)) or _text(anchor)
    if not title and not url:
        return None
    return Item(feed=feed.name, guid=url or text_key(title), url=url, title=title,
                summary=_text(_first(element, select.summary)),
                published=_date(_first(element, select.date)), language=feed.language,
                source=feed.name, attachments=(url,) if url and is_pdf(url) else ())


def _first(element: Tag, selector: str | None) -> Tag | None:
    if not selector:
        return None
    try:
        return element.select_one(selector)
    except SelectorSyntaxError as exc:
        raise FetchError("bad_selector", f"selector {selector!r}: {exc}") from exc


def _text(element: Tag | None) -> str:
    return plain_text(element.get_text(" ")) if element is not None else ""


def _date(element: Tag | None) -> dt.datetime | None:
    """`<time datetime>` first, then a `content` attribute, then the visible text."""
    if element is None:
        return None
    for candidate in (element.get("datetime"), element.get("content"), element.get_text(" ")):
        if isinstance(candidate, str) and (parsed := parse_date(candidate)):
            return parsed
    return None


def parse_date(text: str) -> dt.datetime | None:
    """ISO 8601, RFC 2822, '12 de mayo de 2024' or 'May 12, 2024' -> aware UTC (naive read as UTC)."""
    text = text.strip()
    if not text:
        return None
    parsed = _iso(text) or _rfc2822(text) or _month_name(text) or _dateutil_parse(text)
    if parsed is None:
        return None
    return parsed.astimezone(dt.UTC) if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _iso(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _rfc2822(text: str) -> dt.datetime | None:
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _month_name(text: str) -> dt.datetime | None:
    lowered = text.lower()
    if match := _DAY_MONTH_YEAR.search(lowered):
        day, month, year = match.group(1), match.group(2), match.group(3)
    elif match := _MONTH_DAY_YEAR.search(lowered):
        month, day, year = match.group(1), match.group(2), match.group(3)
    else:
        return None
    if month not in MONTH_NUMBER:
        return None
    try:
        return dt.datetime(int(year), MONTH_NUMBER[month], int(day))
    except ValueError:
        return None


def _dateutil_parse(text: str) -> dt.datetime | None:
    try:
        # ignoretz: an unknown zone name ("CST") would only warn; the day is what matters.
        parsed: dt.datetime = dateutil_parser.parse(text, ignoretz=True)
    except (ValueError, OverflowError, TypeError):
        return None
    return parsed
