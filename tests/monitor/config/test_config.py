"""feeds.yaml / watchlist.yaml validation: every error names file, line and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from monitor.config.feeds import FeedsFile, load_feeds, parse_duration
from monitor.config.watchlist import load_watchlist
from monitor.config.yamlfile import read_yaml, validate
from monitor.domain.errors import ConfigError
from monitor.domain.watchlist import Watchlist
from tests.shared import shared_path

FIXTURES = Path(__file__).parents[2] / "fixtures" / "config"
ROOT = Path(__file__).parents[3]


@pytest.mark.parametrize(("name", "line", "field", "words"), [
    ("bad_interval.yaml", 7, "feeds[1].interval", "expected a duration like '15m'"),
    ("bad_url.yaml", 3, "feeds[0].url", "http"),
    ("bad_yaml.yaml", None, "", "not valid YAML"),
    ("duplicate_name.yaml", 4, "feeds[1].name", "duplicate feed name"),
    ("unknown_key.yaml", 4, "feeds[0].intervall", "not permitted"),
])
def test_bad_feeds_file_names_file_line_and_field(name: str, line: int | None, field: str, words: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_feeds(FIXTURES / name)
    error = info.value
    assert error.file.endswith(name)
    if line is not None:
        assert error.line == line
        assert f"{name}:{line}: {field}:" in str(error)
    assert words in str(error)


def test_bad_watchlist_reference_and_type() -> None:
    with pytest.raises(ConfigError, match="parent 'nowhere' is not a unit id"):
        load_watchlist(FIXTURES / "watchlist_bad_parent.yaml")
    with pytest.raises(ConfigError) as info:
        load_watchlist(FIXTURES / "watchlist_bad_supported.yaml")
    assert info.value.line == 6 and info.value.field == "units[1].supported"


def test_shipped_config_files_load() -> None:
    feeds = load_feeds(ROOT / "feeds.yaml")
    assert {f.kind for f in feeds} == {"rss", "reliefweb", "html", "gdelt"}
    assert any(f.language == "es" for f in feeds)
    watchlist = load_watchlist(ROOT / "watchlist.yaml")
    assert {c.id for c in watchlist.cases} == {"tlatlaya-2014", "ayotzinapa-2014", "apatzingan-2015"}


def test_chain_of_command_and_leahy_roll_up() -> None:
    watchlist = load_watchlist(shared_path("eval", "watchlist.yaml"))
    assert [u.id for u in watchlist.chain("sedena-102-bi")] == ["sedena-102-bi", "sedena-22-zm"]
    # An allegation against the battalion puts its whole zone at risk, and nothing outside it.
    assert {u.id for u in watchlist.at_risk("sedena-102-bi")} == {"sedena-102-bi", "sedena-22-zm"}
    assert {u.id for u in watchlist.at_risk("iguala-mp")} == set()


def test_description_may_be_one_text_or_a_list(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("cases:\n  - id: c\n    name: C\n    description: one text\n", encoding="utf-8")
    assert load_watchlist(path).cases[0].description == ("one text",)


@pytest.mark.parametrize(("text", "seconds"), [("15m", 900), ("1h", 3600), ("30s", 30), ("2d", 172800)])
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text) == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["0m", "15", "m", "1w", "-5m"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_the_fast_parse_reads_the_shipped_files_as_the_round_trip_parse_does() -> None:
    # load_* parse with the C parser and fall back to the round-trip one only for errors: same objects.
    feeds, watchlist = ROOT / "feeds.yaml", ROOT / "watchlist.yaml"
    assert load_feeds(feeds) == validate(FeedsFile, read_yaml(feeds), feeds).feeds
    assert load_watchlist(watchlist) == validate(Watchlist, read_yaml(watchlist), watchlist)


def test_yaml_1_2_words_stay_words_on_the_fast_parse(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds:\n  - {name: no, url: 'https://example.org/feed', interval: 1h, tags: [on, off, 12:30]}\n",
                    encoding="utf-8")
    [feed] = load_feeds(path)
    assert feed.name == "no" and feed.tags == ("on", "off", "12:30")  # YAML 1.1 would read False, True, 750
