"""The digest renders every section, escapes feed text in HTML, and links only safe URLs."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.domain.messages import Digest, DigestEntry, DigestGroup, FeedHealth
from notifiers.digest import render_digest

ENTRY = DigestEntry(
    headline="Army accused over Tlatlaya killings",
    url="https://news.example.org/tlatlaya?id=7&lang=en",
    source="UN News",
    published=dt.datetime(2024, 5, 2, 14, 30, tzinfo=dt.UTC),
    passage="Witnesses said soldiers executed the detainees.",
    page=12,
    allegation=True,
    alerted=True,
    statements=("undercuts: no evidence of unlawful killings by the army",),
    also_reported_by=("La Jornada", "Proceso"),
)
HOSTILE = DigestEntry(
    headline="<script>alert('x')</script> & <b>bold</b>",
    url="javascript:alert(document.cookie)",
    source="<img src=x onerror=alert(1)>",
    published=None,
    passage='"><iframe src="http://evil.example"></iframe>\x1b[31m',
)


def _digest(**overrides: object) -> Digest:
    fields: dict[str, object] = {
        "date": dt.date(2024, 5, 2),
        "groups": (
            DigestGroup("Case: Tlatlaya killings", (ENTRY, HOSTILE)),
            DigestGroup("Unit: 102nd Infantry Battalion", (ENTRY,)),
        ),
        "statements": (DigestGroup("Talking point: no unlawful killings", (ENTRY,)),),
        "unhealthy_feeds": (FeedHealth("ohchr-news", 4, "http_503: <b>down</b>", None),),
    }
    fields.update(overrides)
    return Digest(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("part", ["text", "html"])
def test_digest_has_groups_markers_pages_and_feed_health(part: str) -> None:
    body = getattr(render_digest(_digest()), part)

    for expected in (
        "2024-05-02",
        "Case: Tlatlaya killings",
        "Unit: 102nd Infantry Battalion",
        "Talking point: no unlawful killings",
        "p. 12",
        "[ALERTED]",
        "[ALLEGATION]",
        "La Jornada, Proceso",
        "no evidence of unlawful killings",
        "ohchr-news",
        "2024-05-02 14:30 UTC",
    ):
        assert expected in body
    assert "Talking points" in body or "TALKING POINTS" in body


def test_subject_counts_distinct_items() -> None:
    rendered = render_digest(_digest())

    assert rendered.subject == "Leahy monitor digest 2024-05-02: 2 items, 1 allegation, 1 alert"
    assert rendered.date == dt.date(2024, 5, 2)


def test_html_escapes_feed_text() -> None:
    html = render_digest(_digest()).html

    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "<iframe" not in html and "<b>" not in html
    assert "&lt;b&gt;down&lt;/b&gt;" in html
    assert "\x1b" not in html


def test_only_safe_urls_become_links() -> None:
    html = render_digest(_digest()).html
    text = render_digest(_digest()).text

    assert 'href="https://news.example.org/tlatlaya?id=7&amp;lang=en"' in html
    assert "javascript:" not in html and "javascript:" not in text
    assert html.count("<a ") == 3  # the safe entry, in each of its three groups
    assert "link withheld" in html and "link withheld" in text


def test_text_is_free_of_control_characters() -> None:
    text = render_digest(_digest()).text

    assert "\x1b" not in text
    assert "<script>alert('x')</script>" in text  # plain text needs no HTML escaping


def test_an_empty_day_still_renders() -> None:
    rendered = render_digest(Digest(date=dt.date(2024, 5, 3), groups=()))

    assert "nothing linked today" in rendered.subject
    assert "Nothing linked today." in rendered.text and "Nothing linked today." in rendered.html
    assert "<html" in rendered.html


def test_an_empty_day_still_reports_broken_feeds() -> None:
    rendered = render_digest(_digest(groups=(), statements=()))

    assert "Nothing linked today." in rendered.text and "ohchr-news" in rendered.text
