"""OPML import and export through the CLI: each reader's export style (nested folders, missing titles,
duplicate URLs) becomes feeds with tags, feeds.yaml keeps its comments, and export -> import round-trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import main
from monitor.config.feeds import Feed, load_feeds
from monitor.config.opml import MAX_BYTES
from tests.monitor.conftest import FIXTURES

OPML = FIXTURES / "opml"
HEADER = "# our sources: keep this comment\nfeeds:\n  # UN first\n  - name: mine\n    url: https://example.org/mine.xml\n"

EXPECTED = {  # reader -> {name: (url, tags)}, and how many outlines were skipped as duplicates
    "feedly": ({"proceso": ("https://www.proceso.com.mx/rss/", ("Mexico",)),
                "la-jornada-politica": ("https://www.jornada.com.mx/rss/politica.xml", ("Mexico",)),
                "un-news-americas": ("https://news.un.org/feed/subscribe/en/news/region/americas/feed/rss.xml",
                                     ("UN",))}, 1),
    "inoreader": ({"human-rights-watch-mexico": ("https://www.hrw.org/es/rss/country/mexico", ("Human rights",)),
                   "amnesty-org-en-location-americas-feed": ("https://www.amnesty.org/en/location/americas/feed/",
                                                             ("Human rights",)),
                   "animal-politico": ("https://www.animalpolitico.com/feed", ())}, 0),
    "miniflux": ({"un-news-human-rights": ("https://news.un.org/feed/subscribe/en/news/topic/human-rights/feed/rss.xml",
                                           ("All", "Guerrero")),  # the copy in Guerrero is merged
                  "el-sur-acapulco": ("https://suracapulco.mx/feed/", ("Guerrero",))}, 1),
    "thunderbird": ({"expreso": ("https://expreso.press/feed/", ("Blogs & News Feeds", "Prensa", "Tamaulipas")),
                     "quadratin-michoacan": ("https://www.quadratin.com.mx/feed/", ("Blogs & News Feeds", "Prensa"))},
                    0),
}


def feeds_file(tmp_path: Path, name: str = "feeds.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEADER, encoding="utf-8")
    return path


def imported(feeds: Path) -> dict[str, tuple[str, tuple[str, ...]]]:
    return {f.name: (f.url, f.tags) for f in load_feeds(feeds) if f.name != "mine"}


@pytest.mark.parametrize("reader", sorted(EXPECTED))
def test_each_readers_export_imports_with_folders_as_tags_and_duplicates_reported(tmp_path: Path, reader: str) -> None:
    feeds = feeds_file(tmp_path)
    result = CliRunner().invoke(main, ["feeds", "import", str(OPML / f"{reader}.opml"), "--feeds", str(feeds)])

    expected, duplicates = EXPECTED[reader]
    assert result.exit_code == 0, result.output
    assert imported(feeds) == expected
    assert (f"skipped {duplicates} outlines repeat an address" in result.output) == (duplicates > 0)
    assert f"imported {len(expected)} feeds" in result.output
    assert feeds.read_text(encoding="utf-8").startswith("# our sources: keep this comment\nfeeds:\n  # UN first\n")


@pytest.mark.parametrize("reader", sorted(EXPECTED))
def test_export_then_import_gives_the_same_feeds(tmp_path: Path, reader: str) -> None:
    runner = CliRunner()
    first = feeds_file(tmp_path, "first.yaml")
    runner.invoke(main, ["feeds", "import", str(OPML / f"{reader}.opml"), "--feeds", str(first)])
    out = tmp_path / "export.opml"
    exported = runner.invoke(main, ["feeds", "export", "--out", str(out), "--feeds", str(first)])
    assert exported.exit_code == 0, exported.output
    assert out.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')

    second = tmp_path / "second.yaml"
    second.write_text("feeds: []\n", encoding="utf-8")
    again = runner.invoke(main, ["feeds", "import", str(out), "--feeds", str(second)])

    assert again.exit_code == 0, again.output
    assert {f.name: (f.url, f.tags) for f in load_feeds(second)} == {
        f.name: (f.url, f.tags) for f in load_feeds(first)}


def test_importing_twice_adds_nothing_the_second_time_and_tag_is_added(tmp_path: Path) -> None:
    feeds = feeds_file(tmp_path)
    runner = CliRunner()
    runner.invoke(main, ["feeds", "import", str(OPML / "feedly.opml"), "--tag", "imported", "--feeds", str(feeds)])
    second = runner.invoke(main, ["feeds", "import", str(OPML / "feedly.opml"), "--feeds", str(feeds)])

    assert "imported 0 feeds" in second.output and second.output.count("address already listed") == 3
    assert all(tags == ("Mexico", "imported") or tags == ("UN", "imported") for _, tags in imported(feeds).values())


def test_export_leaves_out_feeds_a_reader_cannot_subscribe_to(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("feeds:\n  - {name: a, url: 'https://example.org/a.xml', tags: [un, reports]}\n"
                     "  - {name: g, kind: gdelt, url: 'https://api.gdeltproject.org/api/v2/doc/doc', query: x}\n",
                     encoding="utf-8")
    result = CliRunner().invoke(main, ["feeds", "export", "--feeds", str(feeds)])

    assert result.exit_code == 0
    assert 'xmlUrl="https://example.org/a.xml" category="/un,/reports"' in result.output
    assert "gdeltproject" not in result.output and "1 feeds of other kinds" in result.output


ENTITIES = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY lol "lollollollollollollollol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<opml version="2.0"><body><outline text="&lol2;" xmlUrl="https://example.org/a.xml"/></body></opml>
"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&x;" xmlUrl="https://example.org/a.xml"/></body></opml>
"""


@pytest.mark.parametrize("body", [ENTITIES, EXTERNAL], ids=["nested-entities", "external-entity"])
def test_opml_with_entity_declarations_is_refused_in_one_line_with_exit_2(tmp_path: Path, body: bytes) -> None:
    feeds = feeds_file(tmp_path)
    hostile = tmp_path / "hostile.opml"
    hostile.write_bytes(body)
    result = CliRunner().invoke(main, ["feeds", "import", str(hostile), "--feeds", str(feeds)])

    assert result.exit_code == 2
    why = "a DOCTYPE or entity declaration (entity expansion, local files); refused"
    assert result.output == f"error: {hostile}:2: {why}\n"
    assert feeds.read_text(encoding="utf-8") == HEADER


def test_huge_opml_is_refused_before_it_is_read(tmp_path: Path) -> None:
    feeds = feeds_file(tmp_path)
    huge = tmp_path / "huge.opml"
    outline = b'<outline text="x" xmlUrl="https://example.org/a.xml"/>\n'
    huge.write_bytes(b'<opml version="2.0"><body>\n' + outline * (MAX_BYTES // len(outline) + 1) + b"</body></opml>")
    result = CliRunner().invoke(main, ["feeds", "import", str(huge), "--feeds", str(feeds)])

    assert result.exit_code == 2 and result.output.startswith(f"error: {huge}: ")
    assert "refused" in result.output and len(result.output.splitlines()) == 1


def test_a_file_that_is_not_opml_is_a_config_error(tmp_path: Path) -> None:
    feeds = feeds_file(tmp_path)
    other = tmp_path / "notes.opml"
    other.write_text("just some notes\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["feeds", "import", str(other), "--feeds", str(feeds)])

    assert result.exit_code == 2 and "not an OPML subscription list" in result.output


def test_imported_feed_is_a_valid_feed_object(tmp_path: Path) -> None:
    feeds = feeds_file(tmp_path)
    CliRunner().invoke(main, ["feeds", "import", str(OPML / "thunderbird.opml"), "--feeds", str(feeds)])
    expreso = next(f for f in load_feeds(feeds) if f.name == "expreso")
    assert isinstance(expreso, Feed) and expreso.kind == "rss" and expreso.enabled
