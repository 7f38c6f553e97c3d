"""RSS/Atom read over loopback HTTP: plain-text items, canonical links, PDFs, hostile XML."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.config.feeds import Feed
from monitor.domain.errors import FetchError
from monitor.fetch import Fetcher, Validators
from monitor.loopback import Loopback, Reply, Request
from monitor.sources.read import FeedRead, read_feed
from tests.monitor.conftest import FIXTURES, run_fetch

RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}


def read(url: str, *, name: str = "un-news", language: str | None = None,
         validators: Validators | None = None) -> FeedRead:
    feed = Feed(name=name, url=url, language=language)

    async def body(fetcher: Fetcher) -> FeedRead:
        return await read_feed(fetcher, feed, validators or Validators())
    return run_fetch(body)


def read_error(url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        read(url)
    return caught.value


def test_rss_items_are_plain_text_with_canonical_links(server: Loopback) -> None:
    url = server.static("/feeds/americas.xml", (FIXTURES / "un-news.rss").read_bytes(), headers=RSS_TYPE)
    first, second, third = read(url).items

    assert first.guid == "un-news-1150001"
    assert first.url == server.url("/en/story/2024/06/1150001?id=7")  # relative, utm_* and fragment gone
    assert first.title == "Mexico: UN rights office urges probe into Tlatlaya killings"
    assert first.summary == ("The UN human rights office on Tuesday urged a full investigation into the "
                             "killing of 22 people in Tlatlaya.")
    assert first.published == dt.datetime(2024, 6, 4, 19, 30, tzinfo=dt.UTC)
    assert first.source == "UN News - Americas" and first.language == "en" and first.feed == "un-news"
    assert first.attachments == ("https://www.ohchr.org/sites/default/files/report-tlatlaya.pdf",)

    assert second.guid == second.url == "https://news.un.org/en/story/2024/06/1150002"
    assert second.published is None and second.attachments == ()
    assert third.url == "" and third.guid.startswith("sha256:")


def test_atom_entries_dates_and_language(server: Loopback) -> None:
    url = server.static("/nacional.atom", (FIXTURES / "proceso.atom").read_bytes(),
                        headers={"Content-Type": "application/atom+xml"})
    first, second = read(url, name="proceso").items
    assert first.title == "Ejército: soldados del 102 Batallón, señalados por la CNDH"
    assert first.url == "https://www.proceso.com.mx/nacional/2024/6/5/ejercito-cndh-330001.html"
    assert first.summary == "La CNDH documentó alteración de la escena."
    assert first.published == dt.datetime(2024, 6, 5, 15, 15, tzinfo=dt.UTC)  # from <updated>
    assert first.attachments == ("https://www.cndh.org.mx/documento/rec-51-2014.pdf",)
    assert first.language == "es" and first.source == "Proceso — Nacional"
    assert second.summary == "Solo contenido."  # from <content>


def test_feed_language_hint_wins(server: Loopback) -> None:
    url = server.static("/f.xml", (FIXTURES / "un-news.rss").read_bytes(), headers=RSS_TYPE)
    assert {item.language for item in read(url, language="es").items} == {"es"}


def test_not_modified_feed_gives_no_items(server: Loopback) -> None:
    body = (FIXTURES / "un-news.rss").read_bytes()

    def feed(request: Request) -> Reply:
        if request.headers.get("if-none-match") == '"r1"':
            return Reply(304)
        return Reply(200, {"ETag": '"r1"', **RSS_TYPE}, body)
    server.route("/cond.xml", feed)
    first = read(server.url("/cond.xml"))
    assert len(first.items) == 3
    again = read(server.url("/cond.xml"), validators=first.result.validators)
    assert again.result.not_modified and again.items == []


def test_undeclared_latin1_charset_parses_without_crash(server: Loopback) -> None:
    body = ("<rss version='2.0'><channel><title>Jornada</title><item><title>Acusación contra el Ejército"
            "</title><link>https://www.jornada.com.mx/a</link></item></channel></rss>").encode("latin-1")
    url = server.static("/latin1.xml", body, headers={"Content-Type": "application/rss+xml"})
    (item,) = read(url).items
    assert isinstance(item.title, str) and item.title.startswith("Acusaci") and "Ej" in item.title


def test_html_page_and_empty_body_are_bad_feeds(server: Loopback) -> None:
    html = b"<!DOCTYPE html><html><body><h1>Site maintenance</h1><p>Back soon</p></body></html>"
    assert read_error(server.static("/html", html, headers={"Content-Type": "text/html"})).kind == "bad_feed"
    assert read_error(server.static("/empty", b"", headers=RSS_TYPE)).kind == "bad_feed"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY lol "lol">
<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>t</title><item><title>&lol9;</title></item></channel></rss>"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title>
<item><title>leak &xxe;</title><description>&xxe;</description></item></channel></rss>"""

# One plain entity referenced many times: feedparser keeps it as "safe", and its loose parser
# expands it without bound (a 1 GB title from a 200 KB document).
QUADRATIC = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "' + b"x" * 50_000 + b'">\n]>\n'
             b"<rss version='2.0'><channel><item><title>" + b"&a;" * 20_000 + b"</title><bad></item>"
             b"</channel></rss>")


@pytest.mark.parametrize(("document", "charset"), [
    (BILLION_LAUGHS, ""), (BILLION_LAUGHS.replace(b"\n<!ENTITY", b"<!ENTITY"), ""), (XXE, ""),
    (XXE.decode().encode("utf-16"), "; charset=utf-16"), (QUADRATIC, "")],
    ids=["billion-laughs", "billion-laughs-one-line", "xxe", "xxe-utf16", "quadratic"])
def test_entity_tricks_end_as_a_per_feed_error(server: Loopback, document: bytes, charset: str) -> None:
    url = server.static("/evil.xml", document, headers={"Content-Type": "application/xml" + charset})
    error = read_error(url)
    assert error.kind == "unsafe_xml"
    assert "root:" not in str(error)


def test_entity_trick_in_a_mislabelled_encoding_reads_nothing_secret(server: Loopback) -> None:
    # Served as UTF-8 (the default for application/xml) though it is UTF-16: the parser never sees
    # a declaration at all, so nothing is expanded; the outcome is a bad feed, not a leak.
    url = server.static("/evil16.xml", XXE.decode().encode("utf-16"),
                        headers={"Content-Type": "application/xml"})
    assert read_error(url).kind in {"bad_feed", "unsafe_xml"}


def test_plain_entity_declarations_still_parse(server: Loopback) -> None:
    body = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY org "OHCHR">\n]>\n'
            b"<rss version='2.0'><channel><item><title>&org; report</title></item></channel></rss>")
    (item,) = read(server.static("/ok.xml", body, headers={"Content-Type": "application/xml"})).items
    assert item.title == "OHCHR report"
