"""kind: gdelt and kind: sitemap over loopback HTTP, and language detection: the documents become items,
a second poll through the real pipeline gets 304s, and a Spanish feed that names no language is stored as es."""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import io
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from matchers.embeddings import Encoder
from matchers.linker import Linker
from monitor.cli import main
from monitor.cli_output import print_feed_list
from monitor.config.feeds import Feed, load_feeds
from monitor.config.watchlist import load_watchlist
from monitor.demo import WATCHLIST
from monitor.domain.errors import FetchError
from monitor.domain.item import Item
from monitor.fetch import Fetcher, Validators
from monitor.loopback import Loopback
from monitor.pipeline import Pipeline
from monitor.sources.gdelt import API_URL, QUERY_LIMIT, watchlist_queries
from monitor.sources.read import FeedRead, enrich, read_feed
from monitor.sources.sitemap import inflate
from monitor.store.database import Store
from monitor.store.health import read_language_counts
from notifiers.console import ConsoleNotifier
from tests.monitor.conftest import run_fetch

NOW = dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.UTC)
GDELT_JSON = json.dumps({"articles": [
    {"url": "https://www.elsur.mx/nota/2026/11/30/militares-detenidos?utm_source=gdelt", "url_mobile": "",
     "title": "Detienen a militares por desaparición en Iguala", "seendate": "20261130T153000Z",
     "socialimage": "", "domain": "elsur.mx", "language": "Spanish", "sourcecountry": "Mexico"},
    {"url": "https://news.example.com/mexico-army", "title": "Mexico army <b>accused</b>",
     "seendate": "20261130T120000Z", "domain": "news.example.com", "language": "English", "sourcecountry": "Mexico"},
    {"url": "javascript:alert(1)", "title": "not a link", "seendate": "20261130T120000Z"},
]}).encode()

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://www.noticias.mx/estados/guerrero/2026/11/30/hallan-fosa</loc>
    <news:news><news:publication><news:name>Noticias MX</news:name><news:language>es</news:language></news:publication>
      <news:publication_date>2026-11-30T09:00:00-06:00</news:publication_date>
      <news:title>Hallan fosa cerca de un cuartel en Guerrero</news:title></news:news></url>
  <url><loc>https://www.noticias.mx/estados/tamaulipas/2026/11/29/enfrentamiento</loc>
    <news:news><news:publication><news:name>Noticias MX</news:name><news:language>es</news:language></news:publication>
      <news:publication_date>2026-11-29T20:00:00-06:00</news:publication_date>
      <news:title>Enfrentamiento en Nuevo Laredo</news:title></news:news></url>
</urlset>"""


def plain_sitemap(base: str) -> bytes:
    pages = [("2026-11-30", "soldados-detienen-a-tres-jovenes"), ("2026-11-29", "marcha-en-chilpancingo"),
             ("2025-01-02", "pagina-vieja"), ("2026-11-30", "")]
    urls = "".join(f"<url><loc>{base}/nota/{slug}</loc><lastmod>{day}</lastmod></url>" for day, slug in pages)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


def sitemap_index(base: str) -> bytes:
    children = "".join(f"<sitemap><loc>{base}/{name}</loc></sitemap>" for name in ("news.xml.gz", "pages.xml"))
    index = f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}</sitemapindex>'
    return gzip.compress(index.encode(), mtime=0)  # the same bytes each time, so the same ETag


SPANISH_RSS = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Diario del Sur</title>
<item><title>Familias denuncian la desaparición de cuatro jóvenes en Tierra Blanca</title>
<link>{base}/nota/tierra-blanca</link><guid>tb-1</guid>
<description>Las madres de los jóvenes afirman que policías estatales los detuvieron en la carretera y que desde
entonces no saben nada de ellos; la fiscalía dice que investiga.</description></item></channel></rss>"""


def gdelt_route(server: Loopback) -> None:
    server.serve_pages({"/api/v2/doc/doc": GDELT_JSON})


def serve_sitemaps(server: Loopback) -> None:
    server.serve_pages({"/sitemap_index.xml.gz": sitemap_index, "/news.xml.gz": gzip.compress(NEWS_SITEMAP),
                        "/pages.xml": plain_sitemap})


def read(feed: Feed, validators: Validators | None = None) -> FeedRead:
    async def body(fetcher: Fetcher) -> FeedRead:
        return await read_feed(fetcher, feed, validators or Validators())
    return run_fetch(body)


def test_gdelt_artlist_json_becomes_items_with_the_query_sent(server: Loopback) -> None:
    gdelt_route(server)
    feed = Feed(name="gdelt-mx", kind="gdelt", url=server.url("/api/v2/doc/doc"),
                query='("Batallón 102" OR "Zona Militar") sourcecountry:mexico')
    first, second = read(feed).items

    params = parse_qs(urlsplit(server.requests[0].path).query)
    assert params["query"] == ['("Batallón 102" OR "Zona Militar") sourcecountry:mexico']
    assert params["mode"] == ["artlist"] and params["format"] == ["json"] and params["maxrecords"] == ["250"]
    assert first.url == first.guid == "https://www.elsur.mx/nota/2026/11/30/militares-detenidos"  # utm_ stripped
    assert first.title == "Detienen a militares por desaparición en Iguala" and first.source == "elsur.mx"
    assert first.published == dt.datetime(2026, 11, 30, 15, 30, tzinfo=dt.UTC) and first.language == "es"
    assert second.title == "Mexico army accused" and second.language == "en"


def test_gdelt_plain_text_error_is_a_per_feed_error(server: Loopback) -> None:
    server.static("/doc", b"Queries containing OR'd terms must be surrounded by ().",
                  headers={"Content-Type": "text/html"})
    with pytest.raises(FetchError) as caught:
        read(Feed(name="g", kind="gdelt", url=server.url("/doc"), query="a OR b"))
    assert caught.value.kind == "bad_feed" and "must be surrounded by ()" in str(caught.value)


def test_watchlist_queries_stay_within_the_length_limit_and_keep_every_alias() -> None:
    watchlist = load_watchlist(WATCHLIST)
    aliases = [a for u in watchlist.units for a in (u.name, *u.aliases)] + [c.name for c in watchlist.cases]
    queries = watchlist_queries(aliases, suffix="sourcecountry:mexico")

    assert len(queries) > 1 and all(len(q) <= QUERY_LIMIT for q in queries)
    assert all(q.endswith(" sourcecountry:mexico") for q in queries)
    sent = " ".join(queries).casefold()
    assert all(f'"{a.casefold()}"' in sent for a in aliases if len(a) >= 5)
    assert watchlist_queries(["Tlatlaya"]) == ['"Tlatlaya"']  # one term: no parentheses (GDELT refuses them)


def test_news_sitemap_becomes_items_with_titles_dates_and_language(server: Loopback) -> None:
    url = server.static("/news.xml", NEWS_SITEMAP, headers={"Content-Type": "application/xml"})
    first, second = read(Feed(name="noticias", kind="sitemap", url=url)).items

    assert first.title == "Hallan fosa cerca de un cuartel en Guerrero" and first.source == "Noticias MX"
    assert first.url == "https://www.noticias.mx/estados/guerrero/2026/11/30/hallan-fosa" == first.guid
    assert first.published == dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC) and first.language == "es"
    assert second.title == "Enfrentamiento en Nuevo Laredo"


def test_gzipped_sitemap_index_is_followed_and_the_second_read_is_not_modified(server: Loopback) -> None:
    serve_sitemaps(server)
    feed = Feed(name="noticias", kind="sitemap", url=server.url("/sitemap_index.xml.gz"))
    first = read(feed)

    titles = [i.title for i in first.items]
    assert titles[:2] == ["Hallan fosa cerca de un cuartel en Guerrero", "Enfrentamiento en Nuevo Laredo"]
    # the plain sitemap's pages: titled from their URLs, only those near its newest <lastmod>
    assert set(titles[2:]) == {"soldados detienen a tres jovenes", "marcha en chilpancingo", "nota"}
    assert [r.path for r in server.requests] == ["/sitemap_index.xml.gz", "/news.xml.gz", "/pages.xml"]

    second = read(feed, first.result.validators)
    assert second.result.not_modified and second.items == []
    assert server.statuses[-1] == 304 and len(server.requests) == 4  # the children are not fetched again


def test_sitemap_with_entity_declarations_is_refused(server: Loopback) -> None:
    body = b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaa">]><urlset><url><loc>https://x.mx/&a;</loc></url></urlset>'
    url = server.static("/s.xml", body, headers={"Content-Type": "application/xml"})
    with pytest.raises(FetchError) as caught:
        read(Feed(name="s", kind="sitemap", url=url))
    assert caught.value.kind == "unsafe_xml"


def test_gzip_bomb_sitemap_is_refused() -> None:
    bomb = io.BytesIO()
    with gzip.GzipFile(fileobj=bomb, mode="wb") as f:
        f.write(b"<" * (2 * 1024 * 1024))
    with pytest.raises(FetchError) as caught:
        inflate(bomb.getvalue(), cap=1024 * 1024)
    assert caught.value.kind == "decompression_bomb"


def read_new(feed: Feed) -> list[Item]:
    """Read a feed and enrich its items, as the pipeline does with the ones it has not seen."""
    async def body(fetcher: Fetcher) -> list[Item]:
        read = await read_feed(fetcher, feed, Validators())
        return [(await enrich(fetcher, feed, item)).item for item in read.items]
    return run_fetch(body)


def test_spanish_feed_without_language_is_detected_as_es(server: Loopback) -> None:
    url = server.static("/diario.xml", SPANISH_RSS.format(base=server.base).encode(),
                        headers={"Content-Type": "application/rss+xml"})
    item, = read_new(Feed(name="diario", url=url))
    assert item.language == "es"
    hinted, = read_new(Feed(name="diario", url=url, language="en"))
    assert hinted.language == "en"  # the feeds.yaml hint wins over detection


def test_pipeline_stores_every_kind_and_the_second_poll_gets_304s(
        server: Loopback, db_url: str, encoder: Encoder) -> None:
    gdelt_route(server)
    serve_sitemaps(server)
    server.serve_pages({"/diario.xml": lambda base: SPANISH_RSS.format(base=base).encode()})
    feeds = [Feed(name="gdelt", kind="gdelt", url=server.url("/api/v2/doc/doc"), query='"Zona Militar"'),
             Feed(name="sitemap", kind="sitemap", url=server.url("/sitemap_index.xml.gz")),
             Feed(name="diario", url=server.url("/diario.xml"))]
    watchlist = load_watchlist(WATCHLIST)
    store = Store(db_url)
    linker = functools.cache(lambda: Linker(watchlist, encoder=encoder))
    pipeline = Pipeline(store=store, watchlist=watchlist, linker=linker, notifier=ConsoleNotifier(io.StringIO()),
                        clock=lambda: NOW)
    try:
        first = pipeline.poll(feeds)
        stored = store.items_fetched_between(NOW - dt.timedelta(hours=1), NOW + dt.timedelta(hours=1))
        before = len(server.requests)
        second = pipeline.poll(feeds)
    finally:
        store.close()

    assert [o.error for o in first.feeds] == ["", "", ""]
    assert {o.feed: o.new_items for o in first.feeds} == {"gdelt": 2, "sitemap": 5, "diario": 1}
    languages = {s.item.feed + ":" + s.item.title[:12]: s.item.language for s in stored}
    assert languages["diario:Familias den"] == "es"  # detected: neither feeds.yaml nor the feed says it
    assert all(o.not_modified for o in second.feeds)
    assert server.statuses[before:] == [304, 304, 304]

    counts = read_language_counts(db_url)
    assert counts["diario"] == {"es": 1} and counts["gdelt"] == {"es": 1, "en": 1} and counts["sitemap"]["es"] >= 2
    listed = io.StringIO()
    print_feed_list(feeds, {}, listed, languages=counts)
    assert "languages" in listed.getvalue().splitlines()[0]
    gdelt_line = next(line for line in listed.getvalue().splitlines() if line.startswith("gdelt "))
    assert "es 1" in gdelt_line and "en 1" in gdelt_line



def test_a_child_sitemap_that_fails_fails_the_read_so_it_is_retried(server: Loopback) -> None:
    server.serve_pages({"/index.xml": lambda base: gzip.decompress(sitemap_index(base))})  # pages.xml: 404
    server.serve_pages({"/news.xml.gz": gzip.compress(NEWS_SITEMAP, mtime=0)})
    with pytest.raises(FetchError) as caught:
        read(Feed(name="noticias", kind="sitemap", url=server.url("/index.xml")))
    assert caught.value.kind == "http_404" and "/pages.xml" in str(caught.value)


def test_feeds_add_gdelt_from_watchlist_writes_bounded_queries_once(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("# mine\nfeeds: []\n", encoding="utf-8")
    args = ["feeds", "add", "--gdelt-from-watchlist", "--gdelt-filter", "sourcelang:spanish",
            "--watchlist", str(WATCHLIST), "--feeds", str(feeds)]
    first = CliRunner().invoke(main, args)
    added = load_feeds(feeds)

    assert first.exit_code == 0, first.output
    assert len(added) > 1 and all(f.kind == "gdelt" and f.url == API_URL for f in added)
    assert all(f.query and len(f.query) <= QUERY_LIMIT and f.query.endswith(" sourcelang:spanish") for f in added)
    assert '"Tlatlaya"' in " ".join(f.query or "" for f in added)
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0 and "already" in again.output and len(load_feeds(feeds)) == len(added)
    assert feeds.read_text(encoding="utf-8").startswith("# mine\n")


def test_kind_gdelt_without_a_query_is_refused(tmp_path: Path, db_url: str) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - {name: g, kind: gdelt, url: 'https://api.gdeltproject.org/api/v2/doc/doc'}\n",
                     encoding="utf-8")
    db = db_url
    result = CliRunner().invoke(main, ["feeds", "list", "--feeds", str(feeds), "--db", db])
    assert result.exit_code == 2
    assert result.output == f"error: {feeds}:2: feeds[0].query: kind: gdelt needs query: (GDELT DOC 2.0 search terms)\n"
