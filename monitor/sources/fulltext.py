"""An article page's main text (no menus, no related links), via trafilatura on HTML we fetched."""

from __future__ import annotations

from monitor.sources.markup import squash


def article_text(html: bytes, url: str) -> str | None:
    """The main text of `html`, or None when trafilatura finds none.

    trafilatura only parses here: the page was fetched by `Fetcher` (limits, classification), and
    `url` is passed just so trafilatura can judge the page, never to download it.
    """
    if not html.strip():
        return None
    # Imported here: trafilatura (with the language models behind it) takes longer to load than a
    # whole unchanged cycle of 304s, and only feeds with `fulltext: true` ever need it.
    import trafilatura

    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=True,
                               favor_recall=True, deduplicate=False)
    if not text:
        return None
    # Paragraph breaks matter to the passage splitter downstream; keep them, tidy the rest.
    paragraphs = (squash(p) for p in text.split("\n"))
    return "\n".join(p for p in paragraphs if p) or None
