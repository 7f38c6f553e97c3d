"""The console's routes through an HTTP client: what each page shows, escaping, pagination, errors."""

from __future__ import annotations

import datetime as dt
import re

import httpx
from starlette.testclient import TestClient

from monitor.domain.assessment import Allegation, Assessment, Link
from monitor.domain.item import Item
from monitor.dossier.build import PER_PAGE
from monitor.store.database import Store
from monitor.web.app import SECURITY_HEADERS
from monitor.web.pages import PAGE_SIZE
from tests.monitor.dossier import sample
from tests.monitor.web.conftest import LiveConsole


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def test_today_lists_todays_alerts_failing_feeds_and_the_units(client: TestClient, ids: dict[str, int]) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert f'href="/items/{ids["report"]}"' in page.text and f'href="/items/{ids["iguala"]}"' in page.text
    assert f'href="/items/{ids["ceremony"]}"' not in page.text  # fetched long ago, and no allegation
    assert f'href="/items/{ids["copy"]}"' not in page.text  # a syndicated copy of the report: the same story
    assert "broken-feed" in page.text and "http_503: upstream down" in page.text
    assert 'href="/units/sedena-22-zm"' in page.text and 'href="/cases/tlatlaya-2014"' in page.text
    for name, value in SECURITY_HEADERS.items():
        assert page.headers[name] == value


def test_unit_page_is_the_dossier_with_the_chain_of_command_as_links(client: TestClient, ids: dict[str, int]) -> None:
    zone = client.get("/units/sedena-22-zm").text
    assert "Dossier: 22nd Military Zone" in zone and 'href="/units/sedena-102-bi"' in zone  # down the chain
    assert "Also reported by: Wire service" in zone and f'href="/items/{ids["report"]}"' in zone
    battalion = client.get("/units/sedena-102-bi").text
    assert 'href="/units/sedena-22-zm"' in battalion  # up the chain
    assert client.get("/units/sedena-22-zm?format=json").json()["summary"]["items"] == 3
    assert client.get("/units/sedena-22-zm?format=csv").text.startswith("item_id,date,")
    assert client.get("/units/sedena-22-zm?since=2026-01-01").text.count('class="entry') == 1
    assert client.get("/units/sedena-22-zm?since=yesterday").status_code == 400


def test_case_and_item_pages(client: TestClient, ids: dict[str, int]) -> None:
    case = client.get("/cases/tlatlaya-2014").text
    assert "Tlatlaya killings" in case and f'href="/items/{ids["report"]}"' in case
    assert 'href="/units/sedena-102-bi"' in case
    item = client.get(f"/items/{ids['report']}").text
    assert "0.90" in item and "0.70" in item  # every link with its score
    assert "implicates 102nd Infantry Battalion (supported)" in item  # the decision's notes
    assert sample.PASSAGE in item and "p. 2" in item and "undercuts" in item
    assert "alert</strong> (pending, 0 attempts)" in item
    assert f'href="/items/{ids["copy"]}"' in item  # its syndicated copy
    assert 'id="review"' in item  # where the review buttons go


def test_hostile_feed_text_is_escaped_and_never_a_javascript_link(client: TestClient, ids: dict[str, int]) -> None:
    for path in (f"/items/{ids['hostile']}", "/units/sedena-102-bi", "/search?q=soldiers"):
        html = client.get(path).text
        assert "<script>" not in html and "<img" not in html and "<b>Evil" not in html, path
        assert not any(h.strip().lower().startswith(("javascript:", "data:")) for h in hrefs(html)), path
        assert "&lt;script&gt;" in html, path


def test_feeds_page_shows_health(client: TestClient) -> None:
    page = client.get("/feeds").text
    assert "broken-feed" in page and "upstream down" in page and "sample" in page


def test_search_uses_full_text_and_takes_any_input(client: TestClient, ids: dict[str, int]) -> None:
    found = client.get("/search", params={"q": "executed TLATLAYA"}).text
    assert f'href="/items/{ids["report"]}"' in found and f'href="/items/{ids["ceremony"]}"' not in found
    # Report pages are searched too: the passage is on page 2 of the four sample items that have pages.
    assert "4 items found" in client.get("/search", params={"q": "surrendered"}).text
    for hostile in ('"', "OR", "a:b", "NEAR(", "-x", "*"):
        assert client.get("/search", params={"q": hostile}).status_code == 200, hostile
    assert "0 items found" in client.get("/search", params={"q": "nothing-like-this"}).text


def test_list_pages_paginate(store: Store, client: TestClient) -> None:
    flagged = Assessment(units=(Link("unit", "sedena-27-bi", 0.5),), allegation=Allegation(("torture",)))
    for n in range(PAGE_SIZE + 5):
        store.save_item(Item(feed="bulk", guid=str(n), url="", title=f"bulk item {n}"), flagged,
                        fetched_at=sample.NOW - dt.timedelta(minutes=n))
    first = client.get("/").text
    assert first.count("bulk item") == PAGE_SIZE and 'href="?page=2"' in first
    second = client.get("/", params={"page": 2}).text
    # Newest stored first: page 2 holds the five bulk items stored first and the two sample items before them.
    assert sorted(re.findall(r"bulk item (\d+)<", second)) == ["0", "1", "2", "3", "4"]
    assert "Page 2 of 2 (57 items)" in second and 'href="?page=1"' in second
    searched = client.get("/search", params={"q": "bulk", "page": 2}).text
    assert "q=bulk&amp;page=1" in searched and searched.count("bulk item") >= 5


def test_unknown_ids_are_404_pages(client: TestClient) -> None:
    for path in ("/units/nope", "/cases/nope", "/items/99999"):
        response = client.get(path)
        assert response.status_code == 404 and "<h1>404</h1>" in response.text, path


def test_the_live_server_answers_over_loopback(live: LiveConsole) -> None:
    response = httpx.get(live.url + "/units/sedena-22-zm")
    assert response.status_code == 200 and "Dossier: 22nd Military Zone" in response.text


def test_a_long_dossier_pages_in_the_console_and_prints_whole(store: Store, client: TestClient) -> None:
    touched = Assessment(units=(Link("unit", "sedena-102-bi", 0.5),))
    with store.batch() as batch:
        for n in range(PER_PAGE + 20):
            batch.save_item(Item(feed="bulk", guid=str(n), url="", title=f"bulk story {n}",
                                 published=dt.datetime(2020, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=n)),
                            touched, fetched_at=sample.NOW)
    def stories(html: str) -> set[int]:
        return {int(n) for n in re.findall(r"bulk story (\d+)</h3>", html)}

    first = client.get("/units/sedena-22-zm").text
    # The Tlatlaya report's case comes first, then the stories with no case by date: bulk 0..98 fill page 1.
    assert stories(first) == set(range(PER_PAGE - 1))
    assert f"{PER_PAGE + 23} stories" in first  # the summary counts every story, not the page's
    assert 'href="?page=2"' in first
    second = client.get("/units/sedena-22-zm", params={"page": 2}).text
    assert stories(second) == set(range(PER_PAGE - 1, PER_PAGE + 20))
    whole = client.get("/units/sedena-22-zm", params={"format": "print"}).text
    assert whole.count('class="entry') == PER_PAGE + 23 and "<nav" not in whole
