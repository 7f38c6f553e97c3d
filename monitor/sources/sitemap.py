"""`kind: sitemap`: an outlet with no feed, read through its (news) sitemap.

The documents are fetched here, through the project's `Fetcher` (limits, redirects, conditional GET
of the feed's URL), and only parsed by ultimate-sitemap-parser, given the text we fetched
(`SitemapStrParser`): it never opens a connection of its own, and its expat parser refuses any
DOCTYPE or entity declaration. A sitemap index is followed here, one level down and at most
`MAX_CHILDREN` sub-sitemaps (newest first as listed), each fetched with the same limits. Gzipped
sitemaps (`.xml.gz` served as application/gzip, not as a Content-Encoding) are inflated here with a
cap, so a gzip bomb ends as `decompression_bomb` like any other body. A child that cannot be fetched
fails the whole read (a per-feed error, retried with backoff) rather than saving the index's ETag and
never asking for that child again.

Which pages become items: the pages dated (the `<news:news>` publication date, else `<lastmod>`) no
more than `RECENT` before the newest page of the same sitemap — a plain sitemap lists the whole
site and only its latest pages are news; a sitemap with no dates at all gives every page. Titles,
dates and language come from `<news:news>`; a page without one is titled from its URL's last path
word. At most `MAX_PAGES`, newest first.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import zlib
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from monitor.canonical import canonical_url
from monitor.config.feeds import Feed
from monitor.domain.errors import FetchError
from monitor.domain.item import Item
from monitor.fetch import Fetcher, FetchResult, MiB
from monitor.sources.markup import plain_text
from monitor.sources.rss import language_code

MAX_CHILDREN = 10
MAX_PAGES = 500
MAX_INFLATED = 50 * MiB  # the sitemap protocol's own limit for one uncompressed file
RECENT = dt.timedelta(days=3)
_GZIP_MAGIC = b"\x1f\x8b"
# ultimate-sitemap-parser logs parse failures at ERROR under a dummy URL (usp-local-dummy.local) when
# given text; what failed is reported here as the feed's FetchError instead.
logging.getLogger("usp").setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class _Parsed:
    pages: list[Item]
    children: list[str]  # sub-sitemap URLs of an index


async def read_sitemap(fetcher: Fetcher, feed: Feed, result: FetchResult) -> list[Item]:
    """Items of the sitemap in `result` (already fetched, changed), following an index."""
    parsed = await asyncio.to_thread(parse_sitemap, feed, result.content, result.url)
    items = list(parsed.pages)
    for child in parsed.children[:MAX_CHILDREN]:
        child_result = await fetcher.get(child)
        sub = await asyncio.to_thread(parse_sitemap, feed, child_result.content, child_result.url)
        items.extend(sub.pages)  # an index inside an index is not followed (depth 1 is the protocol's)
    return _newest(items)


def parse_sitemap(feed: Feed, content: bytes, url: str) -> _Parsed:
    from usp.fetch_parse import SitemapStrParser
    from usp.objects.sitemap import IndexXMLSitemap, InvalidSitemap

    text = inflate(content).decode("utf-8", "replace").strip()
    if not text:
        raise FetchError("bad_feed", f"{url}: empty sitemap")
    if re.search(r"<!(DOCTYPE|ENTITY)", text[:4096], re.IGNORECASE):
        raise FetchError("unsafe_xml", f"{url}: a sitemap with a DOCTYPE or entity declarations is refused")
    sitemap = SitemapStrParser(text).sitemap()
    if isinstance(sitemap, InvalidSitemap):
        raise FetchError("bad_feed", f"{url}: not a sitemap ({sitemap.reason.split(' from ')[0]})")
    if isinstance(sitemap, IndexXMLSitemap):
        children = [canonical_url(s.url, url) for s in sitemap.sub_sitemaps]
        return _Parsed([], [c for c in children if c.startswith(("http://", "https://"))])
    return _Parsed(_recent([_item(feed, page, url) for page in sitemap.all_pages()]), [])


def inflate(content: bytes, cap: int = MAX_INFLATED) -> bytes:
    """`content` itself, or inflated when it is gzip data; more than `cap` bytes is a bomb."""
    if not content.startswith(_GZIP_MAGIC):
        return content
    inflater = zlib.decompressobj(wbits=31)
    try:
        data = inflater.decompress(content, cap + 1)
    except zlib.error as exc:
        raise FetchError("bad_feed", f"broken gzip data: {exc}") from None
    if len(data) > cap:
        raise FetchError("decompression_bomb", f"the sitemap inflates to more than {cap} bytes")
    return data


def _item(feed: Feed, page: object, base: str) -> Item:
    url = canonical_url(str(getattr(page, "url", "")), base)
    story = getattr(page, "news_story", None)
    modified = _aware(getattr(page, "last_modified", None))
    if story is not None:
        title = plain_text(str(story.title or "")) or _slug_title(url)
        published = _aware(story.publish_date) or modified
        language = feed.language or language_code(story.publication_language)
        source = plain_text(str(story.publication_name or "")) or feed.name
        summary = ", ".join(plain_text(k) for k in story.keywords or ())
    else:
        title, published, language, source, summary = _slug_title(url), modified, feed.language, feed.name, ""
    return Item(feed=feed.name, guid=url, url=url, title=title, summary=summary, published=published,
                language=language, source=source)


def _slug_title(url: str) -> str:
    # A page with no news title still says something in its path: /2026/11/30/detienen-a-militares
    last = [part for part in urlsplit(url).path.split("/") if part and not part.isdigit()]
    words = re.sub(r"\.\w{2,5}$", "", unquote(last[-1])) if last else ""
    return " ".join(re.split(r"[-_+]+", words)).strip()


def _aware(value: object) -> dt.datetime | None:
    if not isinstance(value, dt.datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _recent(items: list[Item]) -> list[Item]:
    dated = [i.published for i in items if i.published]
    if not dated:
        return items
    newest = max(dated)
    return [i for i in items if i.published and newest - i.published <= RECENT]


def _newest(items: list[Item]) -> list[Item]:
    unique = list({item.guid: item for item in reversed(items)}.values())  # the first copy of a URL wins
    unique.sort(key=lambda i: i.published or dt.datetime.min.replace(tzinfo=dt.UTC), reverse=True)
    return unique[:MAX_PAGES]
