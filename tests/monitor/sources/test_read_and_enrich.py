"""read_feed for list pages and the ReliefWeb API, and enrich with report PDFs and article text."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from monitor.config.feeds import Feed, Select
from monitor.domain.errors import FetchError
from monitor.domain.item import Item, Page
from monitor.fetch import Fetcher, Validators
from monitor.loopback import Loopback
from monitor.sources.html_list import parse_date
from monitor.sources.read import Enriched, FeedRead, enrich, read_feed
from tests.monitor.conftest import FIXTURES, run_fetch
from tests.monitor.sources.pdfs import TLATLAYA, tlatlaya_report

PDF = {"Content-Type": "application/pdf"}
HTML = {"Content-Type": "text/html; charset=utf-8"}


def read(feed: Feed, appname: str | None = None) -> FeedRead:
    async def body(fetcher: Fetcher) -> FeedRead:
        return await read_feed(fetcher, feed, Validators(), reliefweb_appname=appname)
    return run_fetch(body)


def enriched(feed: Feed, item: Item) -> Enriched:
    async def body(fetcher: Fetcher) -> Enriched:
        return await enrich(fetcher, feed, item)
    return run_fetch(body)


def test_list_page_items_have_absolute_canonical_links(server: Loopback) -> None:
    page = (FIXTURES / "defensa-list.html").read_bytes()
    url = server.static("/defensa/archivo/prensa", page, headers=HTML)
    feed = Feed(name="defensa", url=url, kind="html", language="es",
                select=Select(item="section.listado article", title="h2", link="a", date="time, .fecha",
                              summary="p"))
    first, second, third = read(feed).items

    assert first.url == first.guid == server.url("/defensa/prensa/comunicado-120-2024")
    assert first.title == "Comunicado 120/2024: la Defensa informa"
    assert first.summary == "La Secretaría de la Defensa Nacional informa sobre hechos en Tlatlaya."
    assert first.published == dt.datetime(2024, 6, 6, 0, 0, tzinfo=dt.UTC)  # <time datetime> wins
    assert first.language == "es" and first.source == "defensa"

    assert second.url == "https://www.gob.mx/defensa/prensa/comunicado-119-2024"
    assert second.published == dt.datetime(2024, 6, 4, tzinfo=dt.UTC)  # "4 de junio de 2024"
    assert second.summary == "Personal militar & Guardia Nacional."

    assert third.url == "" and third.title == "Aviso sin enlace" and third.guid.startswith("sha256:")


def test_bad_selector_is_a_per_feed_error(server: Loopback) -> None:
    url = server.static("/list", b"<html><body><article>x</article></body></html>", headers=HTML)
    feed = Feed(name="bad", url=url, kind="html", select=Select(item="article[", title="h2"))
    with pytest.raises(FetchError) as caught:
        read(feed)
    assert caught.value.kind == "bad_selector"


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-06-05", dt.datetime(2024, 6, 5, tzinfo=dt.UTC)),
    ("2024-06-05T10:00:00Z", dt.datetime(2024, 6, 5, 10, tzinfo=dt.UTC)),
    ("Wed, 05 Jun 2024 10:00:00 +0200", dt.datetime(2024, 6, 5, 8, tzinfo=dt.UTC)),
    ("5 de junio de 2024", dt.datetime(2024, 6, 5, tzinfo=dt.UTC)),
    ("June 5, 2024", dt.datetime(2024, 6, 5, tzinfo=dt.UTC)),
    ("no date here", None),
])
def test_list_page_dates(text: str, expected: dt.datetime | None) -> None:
    assert parse_date(text) == expected


def reliefweb_answer(pdf_url: str) -> bytes:
    return json.dumps({"totalCount": 1, "data": [{"id": 4100123, "fields": {
        "title": "Mexico: Report on the <i>Tlatlaya</i> events",
        "url": "https://reliefweb.int/report/mexico/tlatlaya-report?utm_source=api",
        "date": {"created": "2024-06-04T08:00:00+00:00"},
        "source": [{"name": "OHCHR"}, {"name": "UN Human Rights Council"}],
        "language": [{"code": "en"}],
        "body": "## Summary\n\nThe **Office** documented [executions](https://example.org) in Tlatlaya.",
        "file": [{"url": pdf_url, "mimetype": "application/pdf"},
                 {"url": "https://reliefweb.int/map.png", "mimetype": "image/png"}],
    }}, {"id": 4100124, "fields": {"title": "No body, no files"}}]}).encode()


def test_reliefweb_report_pdf_page_two_carries_the_allegation(server: Loopback) -> None:
    pdf_url = server.static("/attachments/tlatlaya.pdf", tlatlaya_report(), headers=PDF)
    server.static("/v2/reports", reliefweb_answer(pdf_url), headers={"Content-Type": "application/json"})
    feed = Feed(name="reliefweb-mexico", url=server.url("/v2/reports?profile=full"), kind="reliefweb")

    report, bare = read(feed, appname="leahy-monitor").items
    assert "appname=leahy-monitor" in server.requests[0].path and "profile=full" in server.requests[0].path
    assert report.guid == "reliefweb:4100123"
    assert report.url == "https://reliefweb.int/report/mexico/tlatlaya-report"
    assert report.title == "Mexico: Report on the Tlatlaya events"
    assert report.summary == "Summary The Office documented executions in Tlatlaya."
    assert report.source == "OHCHR, UN Human Rights Council" and report.language == "en"
    assert report.published == dt.datetime(2024, 6, 4, 8, tzinfo=dt.UTC)
    assert report.attachments == (pdf_url,)
    assert bare.summary == "" and bare.attachments == ()

    result = enriched(feed, report)
    assert result.problems == ()
    page_two = next(page for page in result.item.pages if page.number == 2)
    assert TLATLAYA in page_two.text
    assert result.item.title == report.title  # everything else is kept


def test_reliefweb_without_appname_is_a_config_error(server: Loopback) -> None:
    feed = Feed(name="rw", url=server.url("/v2/reports"), kind="reliefweb")
    with pytest.raises(FetchError) as caught:
        read(feed)
    assert caught.value.kind == "bad_config" and "RELIEFWEB_APPNAME" in str(caught.value)
    assert server.requests == []


def test_fulltext_article_becomes_one_page(server: Loopback) -> None:
    url = server.static("/2024/06/tlatlaya", (FIXTURES / "article.html").read_bytes(), headers=HTML)
    feed = Feed(name="example-media", url=server.url("/rss"), fulltext=True)
    result = enriched(feed, Item(feed="example-media", guid="1", url=url, title="Tlatlaya"))

    (page,) = result.item.pages
    assert page.number is None and result.problems == ()
    assert "102nd Infantry Battalion shot several people who had already surrendered" in page.text
    assert "recommendation 51VG/2014" in page.text
    assert "Celebrity wedding" not in page.text and "Subscribe now" not in page.text


def test_item_link_to_a_pdf_is_read_as_a_report(server: Loopback) -> None:
    url = server.static("/docs/A_HRC_57_report.pdf", tlatlaya_report(), headers=PDF)
    item = Item(feed="ohchr", guid="r", url=url, title="r")
    result = enriched(Feed(name="ohchr", url=server.url("/rss")), item)
    assert [page.number for page in result.item.pages] == [1, 2]


def test_failed_enrichment_keeps_the_item_and_reports_why(server: Loopback) -> None:
    broken = server.static("/broken.pdf", b"<html>Please log in</html>", headers=HTML)
    missing = server.url("/missing.pdf")
    item = Item(feed="f", guid="g", url=server.url("/story"), title="Allegation", summary="Lede",
                pages=(Page("kept", None),), attachments=(broken, missing))

    result = enriched(Feed(name="f", url=server.url("/rss"), fulltext=True), item)
    assert result.item == item  # nothing lost, nothing invented
    assert sorted(problem.kind for problem in result.problems) == ["bad_pdf", "http_404"]
    assert any(broken in str(problem) for problem in result.problems)


def test_fulltext_page_without_article_is_reported(server: Loopback) -> None:
    url = server.static("/empty-page", b"<html><body></body></html>", headers=HTML)
    result = enriched(Feed(name="f", url=server.url("/rss"), fulltext=True),
                      Item(feed="f", guid="g", url=url, title="t"))
    assert result.item.pages == () and [p.kind for p in result.problems] == ["no_text"]
