"""`monitor feeds add URL` over loopback HTTP: a page with one feed, with several, with none (and then
a `kind: html` suggestion tried on the page), and a URL that is itself a feed."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from monitor.cli import main
from monitor.config.feeds import load_feeds
from monitor.loopback import Loopback
from monitor.sources.discover import Discovery, discover
from tests.monitor.conftest import FIXTURES, run_fetch

HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = (FIXTURES / "un-news.rss").read_bytes()
ATOM = (FIXTURES / "proceso.atom").read_bytes()


def page(head: str, body: str = "<p>Inicio</p>") -> bytes:
    return f"<!doctype html><html><head><title>Sitio</title>{head}</head><body>{body}</body></html>".encode()


def add(feeds: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["feeds", "add", *args, "--feeds", str(feeds)])
    return result.exit_code, result.output


def empty_feeds(tmp_path: Path) -> Path:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("# mine\nfeeds: []\n", encoding="utf-8")
    return feeds


def test_page_with_one_declared_feed_adds_it(server: Loopback, tmp_path: Path) -> None:
    server.static("/feed.xml", RSS, headers={"Content-Type": "application/rss+xml"})
    url = server.static("/", page('<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">'),
                        headers=HTML)
    feeds = empty_feeds(tmp_path)
    code, output = add(feeds, url, "--name", "sitio")

    assert code == 0, output
    assert [(f.name, f.url) for f in load_feeds(feeds)] == [("sitio", server.url("/feed.xml"))]
    assert "by link" in output and "added sitio" in output


def test_page_with_several_feeds_adds_the_first_or_all(server: Loopback, tmp_path: Path) -> None:
    server.static("/rss/nacional.xml", RSS, headers={"Content-Type": "application/rss+xml"})
    server.static("/atom/estados.xml", ATOM, headers={"Content-Type": "application/atom+xml"})
    head = ('<link rel="alternate" type="application/rss+xml" href="rss/nacional.xml">'
            '<link rel="alternate" type="application/atom+xml" href="/atom/estados.xml">'
            '<link rel="alternate" type="application/rss+xml" href="/missing.xml">'  # declared, 404: not offered
            '<link rel="stylesheet" type="text/css" href="/s.css">')
    url = server.static("/inicio", page(head), headers=HTML)
    feeds = empty_feeds(tmp_path)

    code, output = add(feeds, url)
    assert code == 0, output
    assert [f.url for f in load_feeds(feeds)] == [server.url("/rss/nacional.xml")]
    assert server.url("/atom/estados.xml") in output and "/missing.xml" not in output

    code, output = add(feeds, url, "--all", "--name", "todo")
    assert code == 0, output
    assert [(f.name, f.url) for f in load_feeds(feeds)][1:] == [("todo", server.url("/rss/nacional.xml")),
                                                              ("todo-2", server.url("/atom/estados.xml"))]


def test_no_declared_feed_falls_back_to_common_paths(server: Loopback) -> None:
    server.static("/index.xml", RSS, headers={"Content-Type": "application/xml"})
    server.static("/feed", page(""), headers=HTML)  # an HTML page at /feed is not a feed
    url = server.static("/noticias/hoy", page(""), headers=HTML)

    found: Discovery = run_fetch(lambda fetcher: discover(fetcher, url))

    assert [(f.url, f.how) for f in found.feeds] == [(server.url("/index.xml"), "path")]
    assert found.feeds[0].entries > 0
    probed = {r.path for r in server.requests}
    assert {"/feed", "/rss", "/feed.xml", "/atom.xml", "/index.xml"} <= probed


def test_page_without_feed_says_so_and_suggests_selectors_it_tried(server: Loopback, tmp_path: Path) -> None:
    listing = "".join(f'<article><h3><a href="/c/{n}">Comunicado {n}</a></h3><time datetime="2026-11-{n:02d}">'
                      f'</time><p>Texto {n}</p></article>' for n in range(1, 6))
    url = server.static("/prensa", page("", f"<nav><ul><li><a href='/'>Inicio</a></li></ul></nav>{listing}"),
                        headers=HTML)
    feeds = empty_feeds(tmp_path)
    code, output = add(feeds, url)

    assert code == 1
    assert f"no feed found at {url}" in output
    assert "these selectors found 5 items" in output and "'Comunicado 1'" in output
    assert "kind: html" in output and "item: 'article', title: 'h3', link: a, date: 'time', summary: 'p'" in output
    assert load_feeds(feeds) == ()


def test_a_url_that_is_a_feed_is_added_as_it_is(server: Loopback, tmp_path: Path) -> None:
    url = server.static("/rss.xml", RSS, headers={"Content-Type": "application/rss+xml"})
    feeds = empty_feeds(tmp_path)
    code, output = add(feeds, url)

    assert code == 0 and [f.url for f in load_feeds(feeds)] == [url]
    assert "feeds found" not in output
    assert [r.path for r in server.requests] == ["/rss.xml"]  # nothing else probed


def test_unreachable_url_is_added_as_given_with_a_warning(server: Loopback, tmp_path: Path) -> None:
    feeds = empty_feeds(tmp_path)
    code, output = add(feeds, server.url("/gone.xml"), "--name", "gone")

    assert code == 0 and "warning: could not fetch" in output and "http_404" in output
    assert [f.name for f in load_feeds(feeds)] == ["gone"]
