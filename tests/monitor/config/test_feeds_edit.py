from __future__ import annotations

from pathlib import Path

import pytest

from monitor.config.feeds import load_feeds
from monitor.config.feeds_edit import add_feed
from monitor.domain.errors import ConfigError

ORIGINAL = """\
# my sources — keep this comment
feeds:
  - name: first  # the first one
    url: https://example.org/a.xml
    interval: 1h
"""


def test_add_keeps_comments_and_layout(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(ORIGINAL, encoding="utf-8")
    feed = add_feed(path, "https://news.example.com/rss/mexico.xml", interval="30m")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(ORIGINAL)  # nothing the user wrote moved
    assert feed.name == "news-example-com-rss-mexico"
    assert [f.name for f in load_feeds(path)] == ["first", "news-example-com-rss-mexico"]


def test_add_rejects_bad_interval_and_leaves_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(ORIGINAL, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"feeds\[1\]\.interval"):
        add_feed(path, "https://example.org/b.xml", interval="soon")
    assert path.read_text(encoding="utf-8") == ORIGINAL


def test_add_to_missing_file_creates_it(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    add_feed(path, "https://example.org/b.xml", name="b")
    assert [f.name for f in load_feeds(path)] == ["b"]


def test_add_duplicate_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(ORIGINAL, encoding="utf-8")
    with pytest.raises(ConfigError, match="exists already"):
        add_feed(path, "https://example.org/c.xml", name="first")
