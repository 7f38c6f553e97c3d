"""Escaping rules for Slack mrkdwn, terminals and links."""

from __future__ import annotations

import pytest

from notifiers.escape import ELLIPSIS, mrkdwn, one_line, safe_url, terminal


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<!here|here>", "&lt;!here|here&gt;"),
        ("<@U024BE7LH>", "&lt;@U024BE7LH&gt;"),
        ("<http://evil.example|click>", "&lt;http://evil.example|click&gt;"),
        ("AT&T &lt;b&gt;", "AT&amp;T &amp;lt;b&amp;gt;"),
        ("tab\there\x00\x07\u202e", "tab here"),
        ("line\r\nbreak\u2028x", "line\nbreak\nx"),
    ],
)
def test_mrkdwn_escapes_slack_control_sequences(raw: str, escaped: str) -> None:
    assert mrkdwn(raw) == escaped


def test_mrkdwn_caps_without_cutting_an_entity() -> None:
    capped = mrkdwn("a" + "&" * 100, limit=12)

    assert len(capped) <= 12 and capped.endswith(ELLIPSIS)
    assert capped == "a&amp;&amp;" + ELLIPSIS
    assert mrkdwn("abc", limit=3) == "abc"


def test_one_line_folds_whitespace() -> None:
    assert one_line("  a\n\tb  c ") == "a b c"
    assert one_line("abcdef", 4) == "abc" + ELLIPSIS


def test_terminal_strips_ansi_and_controls() -> None:
    assert terminal("\x1b[31mred\x1b[0m \x1b]0;title\x07ok\x9b2J") == "red ok"


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example.org/a?b=1&c=2",
        "http://example.org",
        "HTTPS://Example.org/x#frag",
        "https://ejemplo.mx/año/noticia",
        "https://example.org/o'brien",
    ],
)
def test_safe_urls_pass(url: str) -> None:
    assert safe_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "http://evil.example|click",
        "http://a.example/<b>",
        "http://a.example/x y",
        "http://a.example/\u202ex",
        "https://trusted.example@evil.example/",
        "http:///path",
        "//example.org",
        "http://example.org:99999/",
        "http://a.example\\@b.example",
        "",
        "https://x.example/" + "a" * 3000,
        'http://a.example/"onmouseover="x',
    ],
)
def test_unsafe_urls_are_refused(url: str) -> None:
    assert safe_url(url) is None
