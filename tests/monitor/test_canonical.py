"""One spelling per URL."""

from __future__ import annotations

import pytest

from monitor.canonical import canonical_url


@pytest.mark.parametrize(("url", "expected"), [
    ("https://www.Proceso.com.mx/nacional/a.html?utm_source=tw&utm_medium=social&fbclid=x#comments",
     "https://www.proceso.com.mx/nacional/a.html"),
    ("HTTP://News.UN.org:80/en/story/2024/06/1?id=7&gclid=1&ref=home&b=2",
     "http://news.un.org/en/story/2024/06/1?b=2&id=7"),
    ("https://example.org:443/A/B/?z=1&a=2&mc_cid=1&mc_eid=2&cmpid=3&ocid=4",
     "https://example.org/A/B/?a=2&z=1"),
    ("https://example.org:8443/Path", "https://example.org:8443/Path"),
    ("http://[::1]:80/x", "http://[::1]/x"),
    ("  ", ""),
])
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_relative_links_are_made_absolute() -> None:
    assert canonical_url("../b/c?utm_campaign=x", base="https://Site.org/a/list/") == "https://site.org/a/b/c"
    assert canonical_url("//cdn.org/r.pdf", base="https://site.org/") == "https://cdn.org/r.pdf"


def test_paths_are_left_alone() -> None:
    assert canonical_url("https://site.org/Report%20Final/Index.HTML/") == \
        "https://site.org/Report%20Final/Index.HTML/"
