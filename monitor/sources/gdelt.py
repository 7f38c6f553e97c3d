"""`kind: gdelt`: the GDELT DOC 2.0 API (`mode=artlist`, `format=json`) as a source, so reporting
from outlets nobody listed is still seen. The feed entry carries the search in `query:`; its `url`
is the API endpoint (https://api.gdeltproject.org/api/v2/doc/doc).

    gdelt_url(feed)              -> the request URL (query, mode, format, sort, maxrecords, timespan)
    parse_gdelt(feed, result)    -> Items (title, canonical URL, seen date, outlet, language)
    watchlist_queries(aliases)   -> queries of OR-ed aliases, each within QUERY_LIMIT characters

The API answers errors as plain text with status 200 ("Queries containing OR'd terms must be
surrounded by ()."), so a body that is not JSON is a per-feed `bad_feed` error quoting that text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from monitor.canonical import canonical_url
from monitor.config.feeds import Feed
from monitor.domain.errors import FetchError
from monitor.domain.item import Item
from monitor.fetch import FetchResult
from monitor.sources.markup import plain_text

API_URL = "https://api.gdeltproject.org/api/v2/doc/doc"
MAX_RECORDS = 250  # the API's ceiling for artlist (documented in the DOC 2.0 announcement)
# Where the limit comes from: the stored excerpts of GDELT's DOC 2.0 announcement
# (blog.gdeltproject.org/gdelt-doc-2-0-api-debuts/) state none; a GDELT DOC 2.0 client wrapper found
# with the project's search tool (code corpus) records "an undocumented query length limit of ~250
# chars" and keeps its queries to 230, and another client truncates at 240. We keep to 230.
QUERY_LIMIT = 230

# GDELT names languages in English ("Spanish"); the store keeps ISO 639-1 codes.
LANGUAGES = {"english": "en", "spanish": "es", "french": "fr", "portuguese": "pt", "german": "de",
             "italian": "it", "arabic": "ar", "russian": "ru", "chinese": "zh", "japanese": "ja"}


def gdelt_url(feed: Feed, timespan: str = "1d") -> str:
    """The artlist request for `feed.query`; parameters already in `feed.url` are kept."""
    parts = urlsplit(feed.url)
    params = {"query": feed.query or "", "mode": "artlist", "format": "json", "sort": "datedesc",
              "maxrecords": str(MAX_RECORDS), "timespan": timespan}
    existing = parts.query
    for key in list(params):
        if f"{key}=" in existing.lower():
            del params[key]
    query = "&".join(q for q in (existing, urlencode(params)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def parse_gdelt(feed: Feed, result: FetchResult) -> list[Item]:
    """The `articles` of an artlist JSON answer as Items; an empty answer (`{}`) is no items."""
    text = result.content.decode("utf-8", "replace").strip()
    if not text:
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise FetchError("bad_feed", f"{result.url}: GDELT answered {plain_text(text)[:200]!r}") from None
    if not isinstance(data, Mapping):
        raise FetchError("bad_feed", f"{result.url}: expected a JSON object")
    articles = data.get("articles") or []
    if not isinstance(articles, list):
        raise FetchError("bad_feed", f"{result.url}: 'articles' is not a list")
    return [item for a in articles if isinstance(a, Mapping) and (item := _item(feed, a, result.url))]


def _item(feed: Feed, article: Mapping[str, Any], base: str) -> Item | None:
    url = canonical_url(str(article.get("url") or ""), base)
    if not url.startswith(("http://", "https://")):
        return None
    language = feed.language or LANGUAGES.get(str(article.get("language") or "").strip().lower())
    return Item(feed=feed.name, guid=url, url=url, title=plain_text(str(article.get("title") or "")),
                published=_seen(article.get("seendate")), language=language,
                source=plain_text(str(article.get("domain") or "")) or feed.name)


def _seen(value: object) -> dt.datetime | None:
    # "20241105T123000Z": when GDELT saw the article, the closest it has to a publication time.
    try:
        return dt.datetime.strptime(str(value), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def watchlist_queries(aliases: Iterable[str], *, suffix: str = "", limit: int = QUERY_LIMIT) -> list[str]:
    """Aliases as `("a" OR "b" ...) suffix` queries, each at most `limit` characters.

    GDELT matches quoted phrases; aliases shorter than 5 characters ("BI", "GN") would match noise
    and the API refuses very short terms, so they are left out. One alias too long for a query by
    itself is dropped too (it cannot be sent).
    """
    unique = {_phrase(a).casefold(): _phrase(a) for a in sorted(aliases) if len(a.strip()) >= 5}  # GDELT ignores case
    terms = sorted(unique.values(), key=lambda t: (len(t), t))
    tail = f" {suffix.strip()}" if suffix.strip() else ""
    queries: list[str] = []
    current: list[str] = []
    for term in terms:
        if len(_query([term], tail)) > limit:
            continue
        if current and len(_query([*current, term], tail)) > limit:
            queries.append(_query(current, tail))
            current = []
        current.append(term)
    if current:
        queries.append(_query(current, tail))
    return queries


def _phrase(alias: str) -> str:
    return '"' + " ".join(alias.replace('"', " ").split()) + '"'


def _query(terms: list[str], tail: str) -> str:
    # GDELT wants OR-ed terms in parentheses, and refuses parentheses around a single term.
    body = terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"
    return body + tail
